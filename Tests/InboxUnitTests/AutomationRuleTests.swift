import Foundation
import Inbox
import RecordkeeperCore
import Testing

/// Rule sets as the API takes them: each mistake named by its field; business hours in local time.
@Suite("Automation rules")
struct AutomationRuleTests {
    static func parse(_ text: String) throws -> AutomationRuleSet {
        try AutomationRuleSet(json: try JSONValue.parse(Array(text.utf8)))
    }

    static func field(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as AutomationRuleError {
            return error.field
        } catch {
            return "not a rule error: \(error)"
        }
    }

    @Test("a valid set parses and writes back the same document")
    func roundTrip() throws {
        let text = #"""
            {"rules":[{"id":"ack","kind":"acknowledgement","text":"Thanks!","phone_number_id":"1065","enabled":true},
                      {"id":"night","kind":"out_of_hours","text":"Closed now."}],
             "business_hours":{"timezone":"America/Los_Angeles","weekly":{"monday":[{"open":"08:00","close":"12:00"},{"open":"13:00","close":"24:00"}]}}}
            """#
        let set = try Self.parse(text)
        #expect(set.rules.map(\.id) == ["ack", "night"])
        #expect(set.rules[1].enabled)
        #expect(set.rules[0].phoneNumberID == "1065")
        #expect(try AutomationRuleSet(json: set.json) == set)
        #expect(set.rule(.acknowledgement, forNumber: "1065")?.id == "ack")
        #expect(set.rule(.acknowledgement, forNumber: "2000") == nil)
        #expect(set.businessHours?.json["weekly"]?["monday"]?.array?.last?.text("close") == "24:00")
        #expect(set.businessHours?.json["weekly"]?["sunday"]?.array == [])
    }

    @Test("each mistake names its field")
    func fields() {
        #expect(Self.field(#"{"rules":[{"id":"Ack!","kind":"acknowledgement","text":"x"}]}"#) == "rules[0].id")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"welcome","text":"x"}]}"#) == "rules[0].kind")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"  "}]}"#) == "rules[0].text")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"\#(String(repeating: "x", count: 4097))"}]}"#) == "rules[0].text")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"x"},{"id":"a","kind":"acknowledgement","text":"y"}]}"#) == "rules[1].id")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"x","phone_number_id":"+1 555"}]}"#) == "rules[0].phone_number_id")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"x","enabled":"yes"}]}"#) == "rules[0].enabled")
        #expect(Self.field(#"{"rules":[{"id":"a","kind":"acknowledgement","text":"x","colour":"red"}]}"#) == "rules[0].colour")
        #expect(Self.field(#"{"rules":[{"id":"n","kind":"out_of_hours","text":"x"}]}"#) == "business_hours")
        #expect(Self.field(#"{"rules":[],"business_hours":{"timezone":"Mars/Olympus","weekly":{}}}"#) == "business_hours.timezone")
        #expect(Self.field(#"{"rules":[],"business_hours":{"timezone":"UTC","weekly":{"funday":[]}}}"#) == "business_hours.weekly.funday")
        #expect(
            Self.field(#"{"rules":[],"business_hours":{"timezone":"UTC","weekly":{"monday":[{"open":"17:00","close":"08:00"}]}}}"#)
                == "business_hours.weekly.monday[0]")
        #expect(
            Self.field(#"{"rules":[],"business_hours":{"timezone":"UTC","weekly":{"monday":[{"open":"8:00","close":"12:00"}]}}}"#)
                == "business_hours.weekly.monday[0]")
        #expect(
            Self.field(
                #"{"rules":[],"business_hours":{"timezone":"UTC","weekly":{"monday":[{"open":"08:00","close":"12:00"},{"open":"11:00","close":"13:00"}]}}}"#)
                == "business_hours.weekly.monday")
        #expect(Self.field(#"{"rulez":[]}"#) == "rulez")
        #expect(Self.field(#"[]"#) == "")
    }

    @Test("business hours are read in the office's time zone, daylight saving included")
    func localTime() throws {
        let hours = try BusinessHours(timezone: "America/Los_Angeles", weekly: [.monday: [.init(open: 8 * 60, close: 17 * 60)]])
        func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
        #expect(hours.isOpen(at: utc("2026-11-30T16:00:00Z")))  // Monday 08:00 PST
        #expect(!hours.isOpen(at: utc("2026-11-30T15:59:00Z")))  // Monday 07:59 PST
        #expect(!hours.isOpen(at: utc("2026-12-01T01:00:00Z")))  // Monday 17:00 PST: closed
        #expect(hours.isOpen(at: utc("2026-06-01T15:00:00Z")))  // Monday 08:00 PDT
        #expect(!hours.isOpen(at: utc("2026-12-01T17:00:00Z")))  // Tuesday: closed all day
    }
}
