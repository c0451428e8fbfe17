import Retention

extension DestructionCertificate {
    /// The certificate as plain text for a terminal: the fields, the records, the cited entries
    /// and the signed checkpoint's note.
    public func text() -> String {
        var lines = ["Certificate of records destruction: \(heading)", ""]
        for field in fields { lines.append("\(field.label): \(field.value)") }
        lines.append("")
        lines.append("Records destroyed (\(records.count)):")
        for record in records {
            lines.append(
                "  \(record.id)  \(record.kind)  \(Self.count(Int(record.messages), "message"))  \(Self.day(record.firstAt)) to \(Self.day(record.lastAt))  destroyed by position \(record.destroyedBy)"
            )
        }
        if records.isEmpty { lines.append("  none") }
        lines.append("")
        lines.append("Ledger entries cited:")
        for citation in citations { lines.append("  \(citation.position)  \(citation.eventType): \(citation.what)") }
        lines.append("")
        if let checkpoint {
            lines.append("Signed checkpoint \(checkpoint.id) (tree size \(checkpoint.treeSize), signed \(Self.timestamp(checkpoint.createdAt))):")
            lines.append(checkpoint.note.hasSuffix("\n") ? String(checkpoint.note.dropLast()) : checkpoint.note)
        } else {
            lines.append(checkpointText)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
