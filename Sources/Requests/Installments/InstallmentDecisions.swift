public import ExportSources

/// What the officer decided for the messages of an installment: redacted spans, withheld
/// messages, withheld media. Every message without a decision is released in full.
///
/// ``RequestInstallments/produce(_:actor:role:now:progress:)`` adds the request's redactions
/// approved in review (``RequestRedactions/approved(request:)``) to what is given here; the CLI's
/// `--decisions` file and tests give decisions directly.
public typealias InstallmentDecisions = ExportReleaseDecisions

extension InstallmentDecisions {
    /// Every position a decision names.
    var positions: Set<Int64> { Set(redactions.keys).union(withheld.keys).union(withheldMedia.keys) }
}
