"""The e-Factura inbox: sync from ANAF, the ledger of messages, the archive of originals, invoices, UI."""
