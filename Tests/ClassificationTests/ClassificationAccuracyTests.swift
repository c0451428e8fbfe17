import Classification
import Foundation
import Testing

/// Detection accuracy on the labelled sample `Fixtures/classification-sample.jsonl`: one JSON
/// object per line, `{"text":…,"kinds":[…]}` (the kinds a careful reader finds in the text).
/// Counted per message and kind: a kind found and labelled is a true positive, found and not
/// labelled a false positive, labelled and not found a false negative.
@Suite("Classification accuracy")
struct ClassificationAccuracyTests {
    struct Sample: Decodable {
        var text: String
        var kinds: [String]
    }

    static func samples() throws -> [Sample] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/classification-sample.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    struct Score {
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    }

    @Test func precisionAndRecallPerKind() throws {
        let samples = try Self.samples()
        #expect(samples.count >= 150)
        let known = Set(SensitiveDataKind.allCases.map(\.rawValue))
        var scores: [SensitiveDataKind: Score] = [:]
        for sample in samples {
            #expect(Set(sample.kinds).isSubset(of: known), "unknown kind in \(sample.kinds)")
            let wanted = Set(sample.kinds.compactMap(SensitiveDataKind.init(rawValue:)))
            let found = Set(SensitiveDataClassifier.findings(in: sample.text).map(\.kind))
            for kind in wanted.union(found) {
                switch (wanted.contains(kind), found.contains(kind)) {
                case (true, true): scores[kind, default: Score()].truePositives += 1
                case (false, true): scores[kind, default: Score()].falsePositives += 1
                default: scores[kind, default: Score()].falseNegatives += 1
                }
            }
        }
        print("classification accuracy on \(samples.count) labelled messages (detector \(SensitiveDataClassifier.detectorVersion))")
        print("kind                 TP  FP  FN  precision  recall")
        for kind in SensitiveDataKind.allCases {
            let score = scores[kind] ?? Score()
            let name = kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            print(
                "\(name) \(pad(score.truePositives)) \(pad(score.falsePositives)) \(pad(score.falseNegatives))  "
                    + "\(String(format: "%.3f", score.precision))      \(String(format: "%.3f", score.recall))")
        }
        // Floors: identifiers with check digits or fixed shapes must be near perfect; context
        // rules (accounts, dates of birth, licences) and word lists (health) a little less.
        let floors: [SensitiveDataKind: (precision: Double, recall: Double)] = [
            .ssn: (0.95, 0.9), .paymentCard: (0.95, 0.9), .bankRouting: (0.95, 0.9), .bankAccount: (0.9, 0.85),
            .driversLicense: (0.9, 0.85), .dateOfBirth: (0.9, 0.85), .health: (0.9, 0.85),
        ]
        for (kind, floor) in floors {
            let score = scores[kind] ?? Score()
            #expect(score.truePositives >= 5, "too few \(kind.rawValue) examples")
            #expect(score.precision >= floor.precision, "\(kind.rawValue) precision \(score.precision)")
            #expect(score.recall >= floor.recall, "\(kind.rawValue) recall \(score.recall)")
        }
    }

    private func pad(_ value: Int) -> String { String(repeating: " ", count: max(0, 3 - String(value).count)) + String(value) }
}
