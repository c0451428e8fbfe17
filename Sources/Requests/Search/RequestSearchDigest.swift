import Ledger

/// The commitment of a search to its result set (docs/public-records.md, "Searches"): SHA-256
/// over the result positions sorted in ascending order, each written as its decimal digits and a
/// line feed (`"<position>\n"`), in lower-case hex. An empty result hashes the empty string
/// (`e3b0c442…b855`). Anyone with the positions (an export lists them) can recompute it:
/// `printf '%s\n' 12 40 41 | sha256sum`.
public enum RequestSearchDigest {
    /// The SHA-256 of `positions` (sorted here, duplicates kept once).
    public static func sha256(_ positions: [Int64]) -> String {
        var text = ""
        for position in Set(positions).sorted() { text += "\(position)\n" }
        return LedgerDigest.sha256(Array(text.utf8)).hex
    }
}
