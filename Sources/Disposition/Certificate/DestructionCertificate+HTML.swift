import Mustache
import Retention

extension DestructionCertificate {
    /// The certificate as a printable, accessible HTML page (``DestructionCertificateTemplate``):
    /// every value HTML-escaped, no script, nothing loaded from elsewhere.
    public func html() -> String {
        // The template is a constant checked by the tests: it always parses.
        guard let template = try? MustacheTemplate(string: DestructionCertificateTemplate.html) else { return "" }
        return template.render(htmlContext)
    }

    /// What the template reads: strings, arrays of string dictionaries, and `false` for absent parts.
    var htmlContext: [String: Any] {
        var context: [String: Any] = [
            "heading": heading, "ledger": ledger, "generatedAt": Self.timestamp(generatedAt), "complete": complete, "status": statusText,
            "fields": fields.map { ["label": $0.label, "value": $0.value] },
            "recordCount": String(records.count),
            "records": records.map { record -> [String: String] in
                [
                    "id": record.id, "period": record.period, "kind": record.kind, "messages": String(record.messages),
                    "entries": String(record.entries), "firstAt": Self.timestamp(record.firstAt), "lastAt": Self.timestamp(record.lastAt),
                    "destroyedBy": String(record.destroyedBy),
                ]
            },
            "citations": citations.map { ["position": String($0.position), "eventType": $0.eventType, "what": $0.what] },
            "checkpointText": checkpointText, "checkpoint": false,
        ]
        if let checkpoint {
            context["checkpoint"] = [
                "id": String(checkpoint.id), "treeSize": String(checkpoint.treeSize), "createdAt": Self.timestamp(checkpoint.createdAt),
                "note": checkpoint.note,
            ]
        }
        return context
    }

    /// `List DL-20260301-ab12cd34, series GS2010-001 (Communications)`.
    public var heading: String {
        let title = series.title.isEmpty ? "" : " (\(series.title))"
        return
            "\(list.map { "List \($0)" } ?? "Destruction authority at position \(destroyed.first.map { String($0.position) } ?? "?")"), series \(series.citation)\(title)"
    }
}
