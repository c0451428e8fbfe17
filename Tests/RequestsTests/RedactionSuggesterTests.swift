import Requests
import Testing

/// Suggestions: the detectors' findings mapped to the list's exemptions, with offsets in Unicode
/// scalars; and the rule an explanation must meet.
@Suite("Redaction suggestions")
struct RedactionSuggesterTests {
    @Test("an SSN and a Luhn-valid card are suggested with their citations, at scalar offsets; a Luhn-invalid number is not")
    func ssnAndCard() {
        let text = "😀 My SSN is 123-45-6789 and my card is 4111 1111 1111 1111, not 4111 1111 1111 1112."
        let found = RedactionSuggester.suggestions(in: text, position: 42, list: .washington)
        #expect(found.map(\.detector) == ["ssn", "payment_card"])
        let ssn = found[0]
        #expect(ssn.start == 12 && ssn.length == 11 && ssn.matched == "123-45-6789" && ssn.messagePosition == 42)
        #expect(ssn.exemption.code == "ssn" && ssn.exemption.citation == "RCW 42.56.250")
        let card = found[1]
        #expect(card.matched == "4111 1111 1111 1111" && card.length == 19)
        #expect(RedactableText.excerpt(text, start: card.start, length: card.length) == "4111 1111 1111 1111")
        #expect(card.exemption.citation == "RCW 42.56.230(5)")
    }

    @Test("a detector the list does not map suggests nothing; configured terms are found without regard to case, on word boundaries")
    func mappingAndTerms() throws {
        var list = ExemptionList.washington
        list.detectors = [:]
        list.terms = [ExemptionTerm(term: "Operation Bluebird", exemption: "network-security")]
        let found = RedactionSuggester.suggestions(
            in: "SSN 123-45-6789; about operation bluebird and OPERATION BLUEBIRDS", position: 1, list: list)
        #expect(found.count == 1)
        let term = try #require(found.first)
        #expect(term.detector == "term" && term.matched == "operation bluebird" && term.exemption.code == "network-security")
        #expect(term.start == 23 && term.length == 18)
    }

    @Test("an explanation needs three words of its own beyond the exemption's citation, title and stem")
    func explanationRule() throws {
        let exemption = try #require(ExemptionList.washington.exemption("financial-account"))
        #expect(!ExplanationRule.accepts(exemption.explanationStem, exemption: exemption))
        #expect(!ExplanationRule.accepts("RCW 42.56.230(5)", exemption: exemption))
        #expect(!ExplanationRule.accepts("\(exemption.explanationStem) card number", exemption: exemption))
        #expect(ExplanationRule.accepts("\(exemption.explanationStem) the resident's debit card, sent to pay a permit fee", exemption: exemption))
        #expect(ExplanationRule.accepts("Debit card number the resident sent to pay the permit fee", exemption: exemption))
    }

    @Test("a redacted text is cut into kept and redacted pieces by scalar offsets")
    func pieces() {
        let text = "né 123-45-6789 ok"
        let pieces = RedactableText.pieces(of: text, spans: [(3, 11)], start: { $0.0 }, length: { $0.1 })
        guard pieces.count == 3, case .kept(let before) = pieces[0], case .redacted = pieces[1], case .kept(let after) = pieces[2] else {
            Issue.record("unexpected pieces \(pieces)")
            return
        }
        #expect(before == "né " && after == " ok")
    }
}
