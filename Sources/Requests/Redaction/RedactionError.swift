/// Why a redaction action was refused. Nothing is written when one is thrown.
public enum RedactionError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownExemption(code: String, known: [String])
    case explanationMissing
    case explanationBoilerplate(exemption: String, ownWords: Int)
    case notAMessage(position: Int64)
    case notInResults(position: Int64, request: String)
    case noSuchSearch(request: String, search: Int)
    case textUnavailable(position: Int64, why: String)
    case spanOutside(start: Int, length: Int, textLength: Int)
    case overlaps(redaction: String, kind: String)
    case noSuchMedia(id: String, position: Int64, present: [String])
    case requestClosed(request: String, status: String)
    case unknownRedaction(request: String, id: String)
    case wrongState(id: String, state: RedactionState, action: String, hint: String)
    case reasonMissing(String)
    case explanationUnavailable(id: String, position: Int64)

    public var description: String {
        switch self {
        case .unknownExemption(let code, let known):
            return
                "`\(code)` is not an exemption of the list in force: give one of \(known.joined(separator: ", ")) (`recordkeeper requests exemptions` lists them)"
        case .explanationMissing:
            return "the explanation is empty: say how the exemption applies to this record (RCW 42.56.210(3))"
        case .explanationBoilerplate(let exemption, let own):
            return
                "the explanation has \(own) word\(own == 1 ? "" : "s") of its own beyond the citation and the stem of `\(exemption)`: "
                + "say in at least \(ExplanationRule.minimumOwnWords) words of your own how it applies to this record (RCW 42.56.210(3); citing the statute alone is not enough)"
        case .notAMessage(let position):
            return "the entry at position \(position) is not a WhatsApp message: give the position of a message of the request's results"
        case .notInResults(let position, let request):
            return "the message at position \(position) is not in the results of any search of \(request): run a search that finds it first"
        case .noSuchSearch(let request, let search):
            return "\(request) has no search \(search): `recordkeeper requests show \(request)` lists its searches"
        case .textUnavailable(let position, let why):
            return "the text of the message at position \(position) cannot be read (\(why)): a span cannot be checked against it"
        case .spanOutside(let start, let length, let textLength):
            return "the span \(start):\(length) is outside the message's text, which is \(textLength) characters long: give START:LENGTH within 0…\(textLength)"
        case .overlaps(let redaction, let kind):
            return "it overlaps redaction \(redaction) (\(kind)) of the same message: withdraw that one first, or redact a span that does not overlap"
        case .noSuchMedia(let id, let position, let present):
            let list = present.isEmpty ? "it has none" : "its media: \(present.joined(separator: ", "))"
            return "the message at position \(position) has no media \(id) (\(list))"
        case .requestClosed(let request, let status):
            return "\(request) is \(status): a final request takes no redactions (an appeal reversed on review reopens it)"
        case .unknownRedaction(let request, let id):
            return "\(request) has no redaction \(id): `recordkeeper requests redactions \(request)` lists them"
        case .wrongState(let id, let state, let action, let hint):
            return "redaction \(id) is \(state.rawValue) and cannot \(action)\(hint.isEmpty ? "" : ": \(hint)")"
        case .explanationUnavailable(let id, let position):
            return "the explanation of redaction \(id) (the entry at position \(position)) cannot be read: it is sealed or destroyed; see `recordkeeper verify`"
        case .reasonMissing(let what):
            return "the reason is empty: say why the redaction is \(what)"
        }
    }
}
