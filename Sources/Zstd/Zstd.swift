/// zstd compression through libzstd (the `CZstd` system-library target). Filled in with issue 4.
public enum Zstd {}
