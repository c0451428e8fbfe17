import Testing

@testable import WebFoundation

/// The forms' anti-forgery tokens and the form body.
@Suite("CSRF tokens and forms")
struct CSRFTokenTests {
    @Test("a session's token is the HMAC of a fixed label under the session secret: stable, different per session, never the secret")
    func sessionTokens() {
        let one = CSRFToken.forSession("rks_first-session-secret")
        #expect(one == CSRFToken.forSession("rks_first-session-secret"))
        #expect(one != CSRFToken.forSession("rks_second-session-secret"))
        #expect(!one.contains("first") && one.count == 43)
        #expect(one.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        // The construction, checked against Python's hmac: HMAC-SHA256(key "key", "recordkeeper web form v1"), base64url.
        #expect(CSRFToken.forSession("key") == "R8e6c0Yd71D6jMGXCvFaIirEbWAWR42X6A1Jgj9KjTk")
    }

    @Test("tokens are compared whole: missing, empty, shorter, longer or one character off do not match")
    func comparison() {
        let token = CSRFToken.forSession("rks_secret")
        #expect(CSRFToken.matches(token, token))
        #expect(!CSRFToken.matches(nil, token))
        #expect(!CSRFToken.matches(token, nil))
        #expect(!CSRFToken.matches("", ""))
        #expect(!CSRFToken.matches(String(token.dropLast()), token))
        #expect(!CSRFToken.matches(token + "A", token))
        var flipped = Array(token)
        flipped[10] = flipped[10] == "A" ? "B" : "A"
        #expect(!CSRFToken.matches(String(flipped), token))
    }

    @Test("the sign-in form's random tokens differ and are 256 bits")
    func randomTokens() {
        let tokens = Set((0..<50).map { _ in CSRFToken.random() })
        #expect(tokens.count == 50 && tokens.allSatisfy { $0.count == 43 })
        #expect(CSRFToken.cookieHeader("abc") == "rk_csrf=abc; Path=/; HttpOnly; Secure; SameSite=Strict")
    }

    @Test("a urlencoded form: + and %-escapes decoded, the first of a repeated field kept, NUL and bad escapes refused")
    func forms() throws {
        let form = try FormBody.parse("name=alex.kim&password=a+b%26c%3D&_csrf=x&_csrf=y&empty=&flag")
        #expect(form["name"] == "alex.kim" && form["password"] == "a b&c=" && form["_csrf"] == "x")
        #expect(form["empty"] == "" && form["flag"] == "" && form["missing"] == nil)
        #expect(form.trimmed("empty") == nil && form.trimmed("name") == "alex.kim")
        #expect(throws: FormBodyError.self) { try FormBody.parse("name=a%00b") }
        #expect(throws: FormBodyError.self) { try FormBody.parse("name=%zz") }
        #expect(try FormBody.parse("").fields.isEmpty)
    }

    @Test("after sign-in the browser goes only to a path of this site")
    func nextPaths() {
        #expect(PageGate.localPath("/inbox?state=open") == "/inbox?state=open")
        for bad in [nil, "", "inbox", "//evil.example/x", "/\\evil.example", "https://evil.example/", "/\\/evil", "/a\nb", "javascript:alert(1)"] {
            #expect(PageGate.localPath(bad) == "/", "\(bad ?? "nil")")
        }
    }
}
