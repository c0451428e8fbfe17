import Foundation
import RecordkeeperCore
import Testing
import WhatsApp

/// The JSON parser and writer behind the archived form of webhook items.
@Suite("JSON text")
struct JSONTextTests {
    @Test("every fixture parses to the same document as Foundation's decoder reads", arguments: try Fixtures.names().filter { $0 != "truncated" })
    func agreesWithFoundation(fixture: String) throws {
        let bytes = try Fixtures.bytes(fixture)
        let ours = try JSONValue.parse(bytes)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        #expect(ours == foundation)
        // Written and read again: the same document (the archived form loses nothing).
        #expect(try JSONValue.parse(ours.encoded()) == ours)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(ours.encoded())) == ours)
    }

    @Test("strings: escapes, surrogate pairs, raw UTF-8 and slashes")
    func strings() throws {
        let text = #"{"a":"x\"y\\z\/w\n\t\u00e4\ud83d\udc4d","b":"äöå 👍","c":"http://x/y"}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value.text("a") == "x\"y\\z/w\n\tä👍")
        #expect(value.text("b") == "äöå 👍")
        let written = String(decoding: try value.encoded(), as: UTF8.self)
        #expect(written == #"{"a":"x\"y\\z/w\n\tä👍","b":"äöå 👍","c":"http://x/y"}"#)
    }

    @Test("numbers keep their kind and value")
    func numbers() throws {
        let value = try JSONValue.parse(Array(#"[0,-1,9223372036854775807,1.5,-122.9007,1e3,2.0,9223372036854775808,1E-7]"#.utf8))
        #expect(
            value
                == .array([
                    .integer(0), .integer(-1), .integer(Int64.max), .double(1.5), .double(-122.9007), .double(1000), .double(2),
                    .double(9_223_372_036_854_775_808), .double(1e-7),
                ]))
        #expect(
            String(decoding: try JSONValue.array([.double(-122.9007), .double(47.0379), .integer(3)]).encoded(), as: UTF8.self)
                == "[-122.9007,47.0379,3]")
    }

    @Test(
        "keys are written sorted; control characters escaped",
        arguments: [
            (#"{"b":1,"a":{"d":null,"c":[true,false]}}"#, #"{"a":{"c":[true,false],"d":null},"b":1}"#),
            ("[\"\\u0001\"]", #"["\u0001"]"#),
        ])
    func writing(input: String, expected: String) throws {
        #expect(String(decoding: try JSONValue.parse(Array(input.utf8)).encoded(), as: UTF8.self) == expected)
    }

    @Test(
        "what is not JSON is refused",
        arguments: [
            "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\ud83d\"",
            "\"a\u{01}b\"", "{a:1}", "[1 2]", "1 2", "{\"a\" 1}", "NaN", "[1e999]",
        ])
    func invalid(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test("invalid UTF-8 and hostile nesting are refused")
    func hostile() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue.parse(Array(fine.utf8)) }
    }
}
