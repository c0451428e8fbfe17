import Classification
import Foundation
import LedgerStore
import RecordkeeperCore
import Testing

@Suite("Classification")
struct ClassificationTests {
    static func digits(_ text: String) -> [UInt8] { text.utf8.map { $0 - 0x30 } }

    @Test func luhn() {
        #expect(Checksums.luhn(Self.digits("4111111111111111")))
        #expect(Checksums.luhn(Self.digits("378282246310005")))
        #expect(Checksums.luhn(Self.digits("79927398713")))
        #expect(!Checksums.luhn(Self.digits("4111111111111112")))
        #expect(!Checksums.luhn(Self.digits("79927398710")))
        #expect(!Checksums.luhn([]))
    }

    @Test func abaRoutingChecksum() {
        for valid in ["021000021", "011000015", "125000024", "122105155", "325070760"] {
            #expect(Checksums.abaRouting(Self.digits(valid)), "\(valid)")
        }
        #expect(!Checksums.abaRouting(Self.digits("123456789")))  // checksum fails
        #expect(!Checksums.abaRouting(Self.digits("021000022")))
        #expect(!Checksums.abaRouting(Self.digits("500000005")))  // prefix 50 unassigned
        #expect(!Checksums.abaRouting(Self.digits("000000000")))
        #expect(!Checksums.abaRouting(Self.digits("02100002")))
    }

    @Test func ssnInvalidRanges() {
        #expect(Checksums.validSSN(Self.digits("123456789")))
        #expect(Checksums.validSSN(Self.digits("899999999")))
        for invalid in ["000123456", "666123456", "900123456", "999123456", "123004567", "123450000"] {
            #expect(!Checksums.validSSN(Self.digits(invalid)), "\(invalid)")
            let dashed = "ssn " + String(invalid.prefix(3)) + "-" + String(invalid.dropFirst(3).prefix(2)) + "-" + String(invalid.suffix(4))
            #expect(SensitiveDataClassifier.findings(in: dashed).isEmpty, "\(dashed)")
        }
    }

    @Test func ssnNotInsideLongerDigitRuns() {
        #expect(SensitiveDataClassifier.findings(in: "ref 1123-45-6789").isEmpty)
        #expect(SensitiveDataClassifier.findings(in: "ref 123-45-67890").isEmpty)
        #expect(SensitiveDataClassifier.findings(in: "A123-45-6789").isEmpty)
        #expect(SensitiveDataClassifier.findings(in: "ssn 1234567890").isEmpty)
        #expect(SensitiveDataClassifier.findings(in: "123-45-6789").map(\.kind) == [.ssn])
        #expect(SensitiveDataClassifier.findings(in: "ssn 123 45 6789").map(\.kind) == [.ssn])
    }

    @Test func categoryIsTheHighest() {
        #expect(DataCategory.highest([]) == .publicInformation)
        #expect(DataCategory.highest([.sensitive, .publicInformation]) == .sensitive)
        #expect(DataCategory.highest([.confidential, .specialHandling, .sensitive]) == .specialHandling)
        #expect(DataCategory.highest([.confidential, .confidential]) == .confidential)
        #expect(DataCategory.confidential > .sensitive)
    }

    @Test func messageWithAnSSNIsCategory3WithReasonSSN() {
        let result = SensitiveDataClassifier.classify("Hi, my SSN is 536-22-1234, can you check my claim?")
        #expect(result.category == .confidential)
        #expect(result.category.rawValue == 3)
        #expect(result.reasons == [ClassificationReason(kind: .ssn, count: 1)])
        #expect(result.detectorVersion == SensitiveDataClassifier.detectorVersion)
    }

    @Test func healthIsCategory4AndPlainTextCategory1() {
        #expect(SensitiveDataClassifier.classify("I'm pregnant, my SSN is 536-22-1234").category == .specialHandling)
        #expect(SensitiveDataClassifier.classify("I'm sick of waiting for my permit").category == .publicInformation)
        #expect(SensitiveDataClassifier.classify("routing 021000021").category == .sensitive)
    }

    @Test func reasonsCountPerKind() {
        let result = SensitiveDataClassifier.classify("cards 4111 1111 1111 1111 and 5555 5555 5555 4444, ssn 123-45-6789")
        #expect(result.reasons == [ClassificationReason(kind: .paymentCard, count: 2), ClassificationReason(kind: .ssn, count: 1)])
    }

    @Test func masking() {
        let text = "SSN 123-45-6789, card 4111-1111-1111-1111, acct 0045678912, routing 021000021, DOB 03/14/1985, I have diabetes, DL WDL1A2B3C4D5"
        let masked = SensitiveDataMasker.mask(text, findings: SensitiveDataClassifier.findings(in: text))
        #expect(
            masked == "SSN •••-••-6789, card •••• 1111, acct ••••8912, routing [routing number], DOB [date of birth], I have [health], DL [driver's licence]")
        #expect(SensitiveDataMasker.mask("nada aquí", findings: []) == "nada aquí")
        // Non-ASCII text before a finding keeps its bytes.
        let spanish = "Número de seguro social: 457-55-5462 ¿está bien?"
        #expect(
            SensitiveDataMasker.mask(spanish, findings: SensitiveDataClassifier.findings(in: spanish)) == "Número de seguro social: •••-••-5462 ¿está bien?")
    }

    @Test func eventHeaderNeverHoldsTheMatchedText() throws {
        let text = "my ssn 536-22-1234, card 4111 1111 1111 1111, DOB 03/14/1985, tengo diabetes"
        let result = SensitiveDataClassifier.classify(text)
        let event = try ClassificationEvents.classified(result, stream: "conv/abc", targetPosition: 42)
        #expect(event.eventType == "record.classified")
        #expect(event.stream == "conv/abc")
        #expect(event.dedupeKey == "classify:auto:42:\(SensitiveDataClassifier.detectorVersion)")
        let payload = String(decoding: event.payload, as: UTF8.self)
        for secret in ["536", "1234", "4111", "1985", "diabetes", "03/14"] {
            #expect(!event.header.contains(secret), "header holds \(secret)")
            #expect(!payload.contains(secret), "payload holds \(secret)")
        }
        let header = try JSONValue.parse(Array(event.header.utf8))
        #expect(header["v"]?.integer == 1)
        #expect(header["target_position"]?.integer == 42)
        #expect(header["category"]?.integer == 4)
        #expect(header["source"]?.string == "automatic")
        #expect(header["detector_version"]?.string == SensitiveDataClassifier.detectorVersion)
        #expect(header["previous_category"] == nil)
        let kinds = header["reasons"]?.array?.compactMap { $0["kind"]?.string }
        #expect(kinds == ["date_of_birth", "health", "payment_card", "ssn"])
        #expect(payload == event.header)
    }

    @Test func staffChangeNeedsAReasonAndHasNoDedupeKey() throws {
        let event = try ClassificationEvents.classified(
            stream: "conv/abc", targetPosition: 7, category: .sensitive, reasons: [], source: .staff(reason: "  the number is a case id  "),
            previousCategory: .confidential, actor: "staff:ana")
        let header = try JSONValue.parse(Array(event.header.utf8))
        #expect(header["source"]?.string == "staff")
        #expect(header["reason"]?.string == "the number is a case id")
        #expect(header["previous_category"]?.integer == 3)
        #expect(header["category"]?.integer == 2)
        #expect(event.dedupeKey == nil)
        #expect(event.actor == "staff:ana")
        #expect(throws: ClassificationEventError.missingReason) {
            try ClassificationEvents.classified(stream: "s", targetPosition: 7, category: .sensitive, reasons: [], source: .staff(reason: " "))
        }
        #expect(throws: ClassificationEventError.invalidTarget(0)) {
            try ClassificationEvents.classified(stream: "s", targetPosition: 0, category: .sensitive, reasons: [], source: .automatic)
        }
    }

    @Test func classifiableTextFromWhatsAppMessages() throws {
        let inbound = try JSONValue.parse(
            Array(
                #"""
                {"from":"16505551234","id":"wamid.X","timestamp":"1764590400","type":"text","text":{"body":"my ssn is 123-45-6789"}}
                """#.utf8))
        #expect(ClassifiableText.extract(from: inbound) == "my ssn is 123-45-6789")
        let image = try JSONValue.parse(
            Array(#"{"type":"image","image":{"id":"123456789","mime_type":"image/jpeg","sha256":"abc","caption":"tengo diabetes"}}"#.utf8))
        #expect(ClassifiableText.extract(from: image) == "tengo diabetes")
        let contacts = try JSONValue.parse(
            Array(
                #"{"type":"contacts","contacts":[{"birthday":"1980-08-18","name":{"formatted_name":"Ana Diaz"},"phones":[{"phone":"+1 (360) 555-0100","wa_id":"13605550100"}]}]}"#
                    .utf8))
        let contactText = ClassifiableText.extract(from: contacts)
        #expect(contactText.contains("birthday: 1980-08-18"))
        #expect(!contactText.contains("555"))
        #expect(SensitiveDataClassifier.classify(contactText).reasons.map(\.kind) == [.dateOfBirth])
        let reply = try JSONValue.parse(
            Array(#"{"type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"x","title":"Yes, confirm"}}}"#.utf8))
        #expect(ClassifiableText.extract(from: reply) == "Yes, confirm")
        let template = try JSONValue.parse(
            Array(
                #"""
                {"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"name":"case_update","language":{"code":"en_US"},
                 "components":[{"type":"body","parameters":[{"type":"text","text":"acct 0045678912"}]}]}}
                """#.utf8))
        #expect(SensitiveDataClassifier.classify(ClassifiableText.extract(from: template)).reasons.map(\.kind) == [.bankAccount])
    }

    @Test func detectorsOnTrickyInputs() {
        #expect(SensitiveDataClassifier.findings(in: "").isEmpty)
        #expect(SensitiveDataClassifier.findings(in: "🙂🙂 123-45-6789 🙂").map(\.kind) == [.ssn])
        #expect(SensitiveDataClassifier.findings(in: "DIAGNOSTICADO con cáncer").map(\.kind) == [.health, .health])
        #expect(SensitiveDataClassifier.findings(in: "CÁNCER").map(\.kind) == [.health])
        #expect(SensitiveDataClassifier.findings(in: "cancerous growth of paperwork").isEmpty)
        let long = String(repeating: "1 ", count: 5000) + "ssn 123-45-6789"
        #expect(SensitiveDataClassifier.findings(in: long).map(\.kind) == [.ssn])
    }
}
