import Foundation
import Ledger

/// One conversation's printable, accessible HTML transcript (`transcripts/<name>.html`), written
/// row by row: a table per page of ``rowsPerPage`` messages, sequence numbers, redactions as a
/// visible `[redacted: citation — explanation]` marker, print CSS, no script.
struct TranscriptPage {
    static let rowsPerPage = 50
    let spool: HashingSpool
    let conversation: ExportConversation
    private(set) var rows = 0

    init(spool: HashingSpool, conversation: ExportConversation, agency: String, requestID: String, subject: String) throws {
        self.spool = spool
        self.conversation = conversation
        let title = HTML.escape(conversation.title)
        let parties = conversation.parties.map { "<li>\(HTML.escape($0.displayName))\($0.isAgency ? " (agency)" : "")</li>" }.joined()
        try spool.write(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Transcript: \(title) — \(HTML.escape(requestID))</title>
            <style>
            body { font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff; margin: 2rem; line-height: 1.4; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
            caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
            th, td { border: 1px solid #555; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
            th { background: #e8e8e8; }
            .redaction { border: 1px solid #111; background: #fff; font-weight: bold; padding: 0 0.2rem; }
            .withheld { font-style: italic; font-weight: bold; }
            @page { margin: 1.5cm; }
            @media print { body { margin: 0; } section.page + section.page { break-before: page; } th { background: #fff; } }
            </style>
            </head>
            <body>
            <header>
            <h1>Transcript: \(title)</h1>
            <p>\(HTML.escape(agency)) — \(HTML.escape(subject)).</p>
            <p>Conversation <code>\(HTML.escape(conversation.id))</code>. Parties:</p>
            <ul>\(parties)</ul>
            <p>Times are UTC. “Position” is the message's place in the agency's ledger; manifest.json proves each one.</p>
            </header>
            <main>

            """)
    }

    mutating func append(_ message: ExportMessage) throws {
        if rows % Self.rowsPerPage == 0 {
            if rows > 0 { try spool.write("</tbody>\n</table>\n</section>\n") }
            let page = rows / Self.rowsPerPage + 1
            try spool.write(
                """
                <section class="page" aria-labelledby="page-\(page)">
                <h2 id="page-\(page)">Page \(page)</h2>
                <table>
                <caption>Messages \(rows + 1) onwards</caption>
                <thead><tr><th scope="col">Seq.</th><th scope="col">Time (UTC)</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Type</th><th scope="col">Message</th><th scope="col">Release</th><th scope="col">Position</th></tr></thead>
                <tbody>

                """)
        }
        rows += 1
        try spool.write(
            "<tr><td>\(rows)</td><td>\(message.entry.occurredAt.readable)</td><td>\(HTML.escape(message.author))</td>"
                + "<td>\(HTML.escape(message.recipients.joined(separator: ", ")))</td><td>\(HTML.escape(message.messageType))</td>"
                + "<td>\(Self.body(message))</td><td>\(message.state.name)</td><td>\(message.entry.position)</td></tr>\n")
    }

    static func body(_ message: ExportMessage) -> String {
        var html: String
        switch message.state {
        case .released(_, _, let text, _):
            html = HTML.escape(text)
        case .redacted(let parts):
            html = parts.map { part in
                switch part {
                case .text(let text): HTML.escape(text)
                case .redacted(let redaction): marker("redacted", redaction.exemption)
                }
            }.joined()
        case .withheld(let exemption):
            html = "<span class=\"withheld\">" + HTML.escape("[withheld in full: \(exemption.citation) — \(exemption.explanation)]") + "</span>"
        }
        if html.utf8.contains(0x0A) { html = html.replacingOccurrences(of: "\n", with: "<br>") }
        for media in message.media {
            if let exemption = media.withheld {
                html += "<br>Attachment \(HTML.escape(media.name)): " + marker("withheld", exemption)
            } else {
                html += "<br>Attachment: <code>media/\(HTML.escape(media.name))</code>"
            }
        }
        return html
    }

    static func marker(_ action: String, _ exemption: ExportExemption) -> String {
        "<span class=\"redaction\">" + HTML.escape("[\(action): \(exemption.citation) — \(exemption.explanation)]") + "</span>"
    }

    func finish() throws {
        if rows > 0 {
            try spool.write("</tbody>\n</table>\n</section>\n")
        } else {
            try spool.write("<p>No messages of this conversation are in this installment.</p>\n")
        }
        try spool.write("</main>\n<footer><p>\(rows) message(s).</p></footer>\n</body>\n</html>\n")
    }
}
