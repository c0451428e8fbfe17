import ExportSources
import Exports

extension InstallmentDecisions {
    /// These decisions with the request's approved redactions (``RequestRedactions/approved(request:)``)
    /// of the messages at `positions` added: a withheld message, redacted spans, withheld media
    /// (an installment withholds every media file of a message one of whose media is withheld).
    /// A decision given here for a message takes the place of the approved ones of that message.
    func adding(_ approved: ApprovedRedactions, only positions: Set<Int64>) -> InstallmentDecisions {
        var decisions = self
        let decided = self.positions
        for (position, message) in approved.messages where positions.contains(position) && !decided.contains(position) {
            func exemption(_ grounds: RedactionGrounds) -> ExportExemption {
                ExportExemption(citation: grounds.citation, explanation: grounds.explanation)
            }
            if let withheld = message.withheld {
                decisions.withheld[position] = exemption(withheld)
                continue
            }
            if !message.spans.isEmpty {
                decisions.redactions[position] = message.spans.map {
                    ExportRedaction(start: $0.start, length: $0.length, exemption: exemption($0.grounds))
                }
            }
            if let media = message.media.sorted(by: { $0.key < $1.key }).first {
                decisions.withheldMedia[position] = exemption(media.value)
            }
        }
        return decisions
    }
}
