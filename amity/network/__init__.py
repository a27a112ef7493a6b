"""Share what you read, introduce people, follow referrals and keep the network broad."""
