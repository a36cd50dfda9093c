"""Studio: ingest, analysis, ladder planning, encoding, packaging and the durable publishing workflow.

Pure logic lives here and imports no Qt; the screens live in ``app.studio.ui``.
"""
