"""Server-rendered pages, one module per resource."""
