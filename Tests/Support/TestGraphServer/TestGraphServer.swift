/// A fake Graph API on loopback for tests (media metadata and downloads). Filled in with issue 4.
public enum TestGraphServerPlaceholder {}
