import Foundation
import Ledger

/// `cover_letter.html`: what the installment provides and when, the counts, and how to check it.
enum CoverLetter {
    static func html(_ letter: ExportCoverLetter, summary: ExportSummary, checkpoint: Checkpoint, files: [String]) -> String {
        let agency = HTML.escape(letter.agency)
        let request = HTML.escape(letter.requestID)
        let counts: [(String, Int)] = [
            ("Messages released in full", summary.released),
            ("Messages released with redactions", summary.redacted),
            ("Messages withheld in full", summary.withheld),
            ("Redacted passages", summary.redactions),
            ("Conversations", summary.conversations),
            ("Media files included", summary.mediaIncluded),
            ("Media files withheld", summary.mediaWithheld),
        ]
        let rows = counts.map { "<tr><th scope=\"row\">\($0.0)</th><td>\($0.1)</td></tr>" }.joined(separator: "\n")
        let fileItems = files.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Cover letter: public records request \(request), installment \(letter.installment)</title>
            <style>
            body { font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff; margin: 2rem; max-width: 48rem; line-height: 1.5; }
            table { border-collapse: collapse; }
            th, td { border: 1px solid #555; padding: 0.3rem 0.6rem; text-align: left; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            <main>
            <h1>Public records request \(request): installment \(letter.installment)</h1>
            <p>\(agency) produced this installment on \(letter.producedAt.readable).</p>
            <h2>What is provided</h2>
            <p>\(HTML.escape(letter.summary))</p>
            <table>
            <caption>Contents of this installment</caption>
            <tbody>
            \(rows)
            </tbody>
            </table>
            <p>Every redaction and every withheld record is listed, with the specific exemption and an explanation of how it
            applies, in <code>exemption_log.csv</code> (RCW 42.56.210(3)).</p>
            <h2>Files</h2>
            <ul>
            \(fileItems)
            </ul>
            <h2>How to check that these records are complete and unaltered</h2>
            <p>Each message is proven to be in the agency's records ledger <code>\(HTML.escape(summary.ledger))</code> as of the signed
            checkpoint in <code>checkpoint.txt</code> (\(checkpoint.treeSize) entries). Withheld and redacted messages are proven to exist
            without being revealed. Anyone can check the bundle offline with <code>recordkeeper verify-export BUNDLE</code> or with the
            standalone verifier <code>python3 verify_export.py BUNDLE</code>, whose format is published as <code>docs/export-format.md</code>.</p>
            <h2>Contact</h2>
            <p>\(HTML.escape(letter.contact))</p>
            </main>
            </body>
            </html>

            """
    }
}
