/// Records: the event catalog, the commands that turn input into ledger events (WhatsApp ingest,
/// media archiving) and the projections of the ledger. Filled in with issue 4.
public enum Records {}
