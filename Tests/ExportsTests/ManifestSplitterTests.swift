import Testing

@testable import Exports

/// `ManifestSplitter` hands over each element of the manifest's `messages` array and keeps the
/// rest, whatever the pieces the archive is read in, and never accepts what is not JSON.
@Suite("Manifest splitter")
struct ManifestSplitterTests {
    static let manifest =
        #"{"format":"recordkeeper-export","messages": [ {"position":1,"text":"a } and a ] and \" and \\"} ,{"position":2,"proof":["x","y"]}],"z":{"messages":[1]}}"#

    /// Splits `text` fed in pieces of `size` bytes.
    static func split(_ text: String, pieces size: Int) -> (elements: [String], splitter: ManifestSplitter) {
        var elements: [String] = []
        var splitter = ManifestSplitter { elements.append(String(decoding: $0, as: UTF8.self)) }
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: size) {
            bytes[start..<min(bytes.count, start + size)].withUnsafeBytes { splitter.feed($0) }
        }
        return (elements, splitter)
    }

    @Test("each element of the top-level messages array is handed over whole, in any piece size", arguments: [1, 2, 7, 4096])
    func elements(size: Int) {
        let (elements, splitter) = Self.split(Self.manifest, pieces: size)
        #expect(elements == [#"{"position":1,"text":"a } and a ] and \" and \\"}"#, #"{"position":2,"proof":["x","y"]}"#])
        #expect(splitter.complete && splitter.split)
        #expect(String(decoding: splitter.skeleton, as: UTF8.self) == #"{"format":"recordkeeper-export","messages": []"# + #","z":{"messages":[1]}}"#)
    }

    @Test("a messages key written with an escape is not split: its array stays in the skeleton for the whole parse")
    func escapedKey() {
        let text = #"{"messag\u0065s":[{"position":1}]}"#
        let (elements, splitter) = Self.split(text, pieces: 3)
        #expect(elements.isEmpty && !splitter.split && splitter.complete)
        #expect(String(decoding: splitter.skeleton, as: UTF8.self) == text)
    }

    @Test("elements not separated by exactly one comma, or a manifest cut inside the array, are refused")
    func malformed() {
        for text in [#"{"messages":[{"a":1}{"b":2}]}"#, #"{"messages":[{"a":1},,{"b":2}]}"#, #"{"messages":[{"a":1},]}"#, #"{"messages":[1]}"#] {
            #expect(!Self.split(text, pieces: 5).splitter.complete, "\(text)")
        }
        #expect(!Self.split(#"{"messages":[{"a":1}"#, pieces: 4).splitter.complete)
    }
}
