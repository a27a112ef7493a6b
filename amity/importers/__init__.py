"""Bring people and interactions in from other tools: parse → records → one transaction.

Each format module parses a file into plain records (no database access);
`amity.importers.applying` resolves them against the owner's people in bulk and
writes them in one transaction; `amity.importers.services.run_import` ties the two
together and records an ImportRun.
"""
