import Foundation
import Ledger

/// `transmittal_letter.html`: the letter that goes with a transfer package to the archives, in
/// place of the cover letter: who transfers what under which authority, approved by whom, the
/// counts, the records, and how to check the package.
enum TransmittalLetter {
    static let path = "transmittal_letter.html"

    /// The letter of a bundle: the transmittal letter when it is a transfer package, else the
    /// cover letter; with its path in the bundle.
    static func letter(_ letter: ExportCoverLetter, summary: ExportSummary, checkpoint: Checkpoint, files: [String]) -> (String, String) {
        guard let transfer = letter.transfer else {
            return (
                "cover_letter.html",
                CoverLetter.html(letter, summary: summary, checkpoint: checkpoint, files: ["cover_letter.html"] + files + ["manifest.json"])
            )
        }
        return (path, html(transfer, letter: letter, summary: summary, checkpoint: checkpoint, files: [path] + files + ["manifest.json"]))
    }

    static func html(_ transfer: ExportTransfer, letter: ExportCoverLetter, summary: ExportSummary, checkpoint: Checkpoint, files: [String]) -> String {
        let e = HTML.escape
        let series = transfer.series
        let designation =
            switch series.designation {
            case "permanent": "Archival (Permanent Retention)"
            case "appraisal_required": "Archival (Appraisal Required)"
            default: "Non-archival"
            }
        let range = transfer.from.map { from in "\(from.readable) to \((transfer.to ?? from).readable)" } ?? "no messages"
        let facts: [(String, String)] = [
            ("Agency", transfer.agency),
            ("Transferred to", transfer.archives),
            ("Transfer list", transfer.list),
            ("Records series", series.title),
            ("Disposition Authority Number", series.citation),
            ("Designation", designation + (series.essential ? ", essential" : "") + ", \(series.office)"),
            ("Retention", "\(series.retention) after \(series.trigger.replacingOccurrences(of: "_", with: " "))"),
            ("Final action", series.finalAction),
            ("Records (months of a conversation)", String(transfer.records.count)),
            ("Messages", String(summary.messages)),
            ("Media files", String(summary.mediaIncluded)),
            ("Conversations", String(summary.conversations)),
            ("Dates covered", range),
            ("List made", transfer.listedAt.readable),
        ]
        let factRows = facts.map { "<tr><th scope=\"row\">\(e($0.0))</th><td>\(e($0.1))</td></tr>" }.joined(separator: "\n")
        let approvals = transfer.approvals.map { "<li>\(e($0.by)), \($0.at.readable)</li>" }.joined(separator: "\n")
        let records = transfer.records.map { "<tr><td><code>\(e($0.stream))</code></td><td>\(e($0.month))</td></tr>" }.joined(separator: "\n")
        let fileItems = files.map { "<li><code>\(e($0))</code></li>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Transmittal letter: transfer list \(e(transfer.list)) to \(e(transfer.archives))</title>
            <style>
            body { font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff; margin: 2rem; max-width: 48rem; line-height: 1.5; }
            table { border-collapse: collapse; margin-bottom: 1rem; }
            caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
            th, td { border: 1px solid #555; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            <main>
            <h1>Transfer of records to \(e(transfer.archives)): list \(e(transfer.list))</h1>
            <p>\(e(transfer.agency)) transfers the records below to \(e(transfer.archives)) under the retention schedule's
            authority \(e(series.citation)). This package was produced on \(letter.producedAt.readable). Every message is released
            in full: nothing is redacted or withheld.</p>
            <table>
            <caption>The transfer</caption>
            <tbody>
            \(factRows)
            </tbody>
            </table>
            <h2>Approved by</h2>
            <ul>
            \(approvals.isEmpty ? "<li>No approval is recorded.</li>" : approvals)
            </ul>
            <h2>What is provided</h2>
            <p>\(e(letter.summary))</p>
            <table>
            <caption>The records transferred (one month of one conversation each)</caption>
            <thead><tr><th scope="col">Conversation stream</th><th scope="col">Month</th></tr></thead>
            <tbody>
            \(records)
            </tbody>
            </table>
            <h2>Files</h2>
            <ul>
            \(fileItems)
            </ul>
            <h2>How to check that these records are complete and unaltered</h2>
            <p>Each message is proven to be in the agency's records ledger <code>\(e(summary.ledger))</code> as of the signed
            checkpoint in <code>checkpoint.txt</code> (\(checkpoint.treeSize) entries), and each payload's salt lets its commitment be
            recomputed. The <code>transfer</code> member of <code>manifest.json</code> holds these facts for software. Anyone can
            check the package offline with <code>recordkeeper verify-export PACKAGE</code> or with the standalone verifier
            <code>python3 verify_export.py PACKAGE</code>, whose format is published as <code>docs/export-format.md</code>.</p>
            <h2>Contact</h2>
            <p>\(e(letter.contact))</p>
            </main>
            </body>
            </html>

            """
    }
}
