"""Live sources: mail over IMAP and contacts over CardDAV, synced by the background worker."""
