"""Pure-Python relationship logic: no Django, no HTTP, no files."""
