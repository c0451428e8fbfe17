import Foundation
import Requests
import Retention
import Testing

/// The exemption list: the shipped Washington file, and files that cannot be used refused with
/// their file, line and field.
@Suite("Exemption list")
struct ExemptionListTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func problems(_ yaml: String) -> [ExemptionListProblem] {
        do {
            _ = try ExemptionList(yaml: yaml, file: "bad.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    static let oneExemption = """
        name: test
        version: "1"
        exemptions:
          - code: financial-account
            citation: RCW 42.56.230(5)
            title: Card numbers
            information: a card number
            explanation_stem: "Card number:"
            confirmed: true
        """

    @Test("the shipped config/exemptions/washington.yaml is the built-in list, and its citations are the ones records-law.md names")
    func shipped() throws {
        let file = Self.repository.appendingPathComponent("config/exemptions/washington.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let parsed = try ExemptionList(yaml: text, file: file.path)
        #expect(parsed == ExemptionList.washington, "the built-in text drifted from the shipped file")
        let list = ExemptionList.washington
        #expect(list.exemption("financial-account")?.citation == "RCW 42.56.230(5)")
        #expect(list.exemption("ssn")?.citation == "RCW 42.56.250")
        #expect(list.exemption("network-security")?.citation == "RCW 42.56.420")
        #expect(list.exemption("work-product")?.citation == "RCW 42.56.290")
        #expect(list.detectors.count == 6, "every detector but the routing number's is mapped")
        #expect(Set(list.detectors.values) == ["ssn", "financial-account", "drivers-licence", "date-of-birth", "health-information"])
        for exemption in list.exemptions {
            #expect(exemption.confirmed || exemption.note != nil, "\(exemption.code) is not confirmed and says nothing of what to check")
        }
        #expect(try ExemptionList.fromEnvironment([:]) == list)
    }

    @Test("RECORDKEEPER_EXEMPTIONS_FILE names another list; a file that does not exist is refused with its path")
    func environment() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exemptions-\(UUID().uuidString).yaml")
        try Self.oneExemption.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let list = try ExemptionList.fromEnvironment([ExemptionList.environmentVariable: url.path])
        #expect(list.name == "test" && list.exemptions.map(\.code) == ["financial-account"] && list.detectors.isEmpty)
        #expect(throws: ExemptionListError.self) { try ExemptionList.fromEnvironment([ExemptionList.environmentVariable: url.path + ".missing"]) }
    }

    @Test("a malformed file names the file, the line and the field of every fault")
    func malformed() {
        let problems = Self.problems(
            """
            name: test
            version: "1"
            exemptions:
              - code: financial-account
                citation: RCW 42.56.230(5)
                title: Card numbers
                information: a card number
                explanation_stem: "Card number:"
                confirmed: true
              - code: financial-account
                title: Again
                information: again
                explanation_stem: "Again:"
                confirmed: maybe
                colour: red
            detectors:
              ssn: no-such-code
              telepathy: financial-account
            """)
        let described = problems.map(\.description)
        #expect(described.contains { $0.hasPrefix("bad.yaml:10: exemptions[2].code:") && $0.contains("already the code") })
        #expect(described.contains { $0.hasPrefix("bad.yaml:10: exemptions[2].citation: missing") })
        #expect(described.contains { $0.hasPrefix("bad.yaml:14: exemptions[2].confirmed: must be true or false") })
        #expect(described.contains { $0.hasPrefix("bad.yaml:15: exemptions[2].colour:") })
        #expect(described.contains { $0.hasPrefix("bad.yaml:17: detectors.ssn:") && $0.contains("no-such-code") })
        #expect(described.contains { $0.hasPrefix("bad.yaml:18: detectors.telepathy: is not a detector") })
        #expect(problems.count == 6, "\(described)")
    }

    @Test("not YAML, empty, an unconfirmed citation without a note: refused")
    func otherFaults() {
        #expect(Self.problems("name: [unclosed").first?.description.contains("not valid YAML") == true)
        #expect(Self.problems("").first?.description.contains("the file is empty") == true)
        let unconfirmed = Self.oneExemption.replacingOccurrences(of: "confirmed: true", with: "confirmed: false")
        #expect(
            Self.problems(unconfirmed).map(\.description) == [
                "bad.yaml:4: exemptions[1].note: missing: an exemption not confirmed needs a `note:` saying what to check"
            ])
    }
}
