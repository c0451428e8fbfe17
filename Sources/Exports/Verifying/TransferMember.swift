import RecordkeeperCore

/// The `transfer` member of a transfer package's manifest (docs/export-format.md section 5.1):
/// read strictly, and checked against the messages (section 6, step 8).
enum TransferMember {
    /// The members verification compares, or nil when a required member is missing or of the wrong type.
    static func read(_ value: JSONValue) -> ExportManifest.TransferRecord? {
        guard case .object = value, let list = value["list"]?.string, value["agency"]?.string != nil, value["archives"]?.string != nil,
            let count = ManifestReader.int(value["record_count"]), let recordValues = value["records"]?.array, let series = value["series"],
            case .object = series, let approvals = value["approvals"]?.array, let range = value["date_range"], case .object = range,
            value["listed_at"]?.string != nil, value["produced_at"]?.string != nil, value["transmittal_letter"]?.string != nil
        else { return nil }
        for key in ["from", "to"] where ManifestReader.optionalString(range[key]) == nil { return nil }
        for key in ["citation", "dan", "title", "designation", "office", "retention", "trigger", "final_action"] where series[key]?.string == nil {
            return nil
        }
        guard ManifestReader.int(series["revision"]) != nil, series["essential"]?.bool != nil else { return nil }
        for approval in approvals where approval["by"]?.string == nil || approval["at"]?.string == nil { return nil }
        var records: [String] = []
        records.reserveCapacity(recordValues.count)
        for record in recordValues {
            guard let stream = record["stream"]?.string, let month = record["month"]?.string else { return nil }
            records.append("\(stream)@\(month)")
        }
        return ExportManifest.TransferRecord(list: list, recordCount: count, records: records)
    }

    /// A transfer package releases every message in full, each of a record the member lists, and
    /// its `record_count` is the number of records listed, each once: else `transfer_mismatch`.
    static func check(_ manifest: ExportManifest, into report: inout ExportVerificationReport) {
        guard let transfer = manifest.transfer else { return }
        let records = Set(transfer.records)
        if records.count != transfer.records.count || transfer.recordCount != Int64(transfer.records.count) {
            report.add(
                "transfer_mismatch", "manifest.json",
                "the transfer member's record_count is not the number of its records, or a record is listed twice: the manifest was altered")
        }
        for message in manifest.messages {
            if message.state != "released" {
                report.add(
                    "transfer_mismatch", "position \(message.position)", "a transfer package releases every message in full, but this one is \(message.state)")
            }
            if !records.contains(message.recordId) {
                report.add(
                    "transfer_mismatch", "position \(message.position)",
                    "its record \(message.recordId) is not among the records the transfer member lists")
            }
        }
    }
}
