import Foundation
import Testing

@testable import Ledger

@Suite("Payload commitment, sealing and data-key wrapping")
struct PayloadCryptoTests {
    let ledger = "agency-main"
    let eventID = UUID(uuidString: "0195a1c4-8f2e-7b3a-9c41-5d6e7f808192")!
    let salt = (0..<32).map { UInt8($0) }
    let payload = Array("Please send me a copy of my file 📄".utf8)

    // MARK: Commitment

    @Test("the commitment is SHA-256(salt ‖ payload)")
    func commitment() throws {
        // python3 -c 'import hashlib; print(hashlib.sha256(bytes(32) + b"yes").hexdigest())'
        let value = try PayloadCommitment.commit(salt: [UInt8](repeating: 0, count: 32), payload: Array("yes".utf8))
        #expect(value.hex == "672450f5fca51bfa9a9e2009d7e68cd42a004d8d5fdb1422101021667e42956f")
        #expect(value == LedgerDigest.sha256([UInt8](repeating: 0, count: 32) + Array("yes".utf8)))
        // Another salt, another commitment: the short message cannot be recognised without the salt.
        let other = try PayloadCommitment.commit(salt: [UInt8](repeating: 1, count: 32), payload: Array("yes".utf8))
        #expect(other != value)
    }

    @Test("the salt must be exactly 32 bytes", arguments: [0, 16, 31, 33, 64])
    func saltLength(_ length: Int) {
        #expect(throws: LedgerFormatError.invalidSaltLength(length)) {
            try PayloadCommitment.commit(salt: [UInt8](repeating: 7, count: length), payload: [1, 2, 3])
        }
        #expect(throws: LedgerFormatError.invalidSaltLength(length)) {
            try PayloadSealer.seal(payload: [1, 2, 3], salt: [UInt8](repeating: 7, count: length), key: .generate(), ledger: ledger, eventID: eventID)
        }
    }

    @Test("random salts are 32 bytes and differ")
    func randomSalt() {
        let a = PayloadCommitment.randomSalt()
        let b = PayloadCommitment.randomSalt()
        #expect(a.count == 32)
        #expect(b.count == 32)
        #expect(a != b)
    }

    // MARK: Sealing

    @Test("seal then open returns the salt and payload; sealed = nonce ‖ ciphertext ‖ tag")
    func sealRoundTrip() throws {
        let key = DataKey.generate()
        let sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        #expect(sealed.count == 12 + 32 + payload.count + 16)
        // The ciphertext does not contain the plaintext.
        #expect(!Hex.encode(sealed).contains(Hex.encode(payload.prefix(8))))
        let opened = try PayloadSealer.open(sealed, key: key, ledger: ledger, eventID: eventID)
        #expect(opened.salt == salt)
        #expect(opened.payload == payload)
        // Random nonces: sealing twice gives different bytes that both open.
        let again = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        #expect(again != sealed)
        #expect(try PayloadSealer.open(again, key: key, ledger: ledger, eventID: eventID).payload == payload)
    }

    @Test("an empty payload seals to nonce ‖ encrypted salt ‖ tag")
    func emptyPayload() throws {
        let key = DataKey.generate()
        let sealed = try PayloadSealer.seal(payload: [UInt8](), salt: salt, key: key, ledger: ledger, eventID: eventID)
        #expect(sealed.count == 60)
        let opened = try PayloadSealer.open(sealed, key: key, ledger: ledger, eventID: eventID)
        #expect(opened.salt == salt)
        #expect(opened.payload.isEmpty)
    }

    @Test("the payload's associated data binds ledger and event id")
    func payloadAssociatedData() {
        let ad = PayloadSealer.associatedData(ledger: "agency-main", eventID: eventID)
        #expect(Hex.encode(ad) == "524b2d5041594c4f41442d563100" + "0000000b" + Hex.encode(Array("agency-main".utf8)) + "0195a1c48f2e7b3a9c415d6e7f808192")
    }

    @Test("opening with the wrong event id, ledger or key fails")
    func openWithWrongBinding() throws {
        let key = DataKey.generate()
        let sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        let otherID = UUID(uuidString: "0195a1c4-8f2e-7b3a-9c41-5d6e7f808193")!
        #expect(throws: PayloadCryptoError.openFailed) { try PayloadSealer.open(sealed, key: key, ledger: ledger, eventID: otherID) }
        #expect(throws: PayloadCryptoError.openFailed) { try PayloadSealer.open(sealed, key: key, ledger: "agency-other", eventID: eventID) }
        #expect(throws: PayloadCryptoError.openFailed) { try PayloadSealer.open(sealed, key: .generate(), ledger: ledger, eventID: eventID) }
    }

    @Test("a flipped byte anywhere in the sealed payload fails", arguments: [0, 11, 12, 43, 44, 60, -16, -1])
    func flippedByte(_ offset: Int) throws {
        let key = DataKey.generate()
        var sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        let index = offset >= 0 ? offset : sealed.count + offset
        sealed[index] ^= 0x01
        #expect(throws: PayloadCryptoError.openFailed) { try PayloadSealer.open(sealed, key: key, ledger: ledger, eventID: eventID) }
    }

    @Test("truncated sealed bytes fail", arguments: [0, 12, 27, 28, 59])
    func truncated(_ length: Int) throws {
        let key = DataKey.generate()
        let sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        #expect(throws: PayloadCryptoError.openFailed) { try PayloadSealer.open(sealed.prefix(length), key: key, ledger: ledger, eventID: eventID) }
    }

    // MARK: Data keys

    let scope = DataKeyScope(ledger: "agency-main", stream: "whatsapp:+15551234567/+5511987654321", period: "2025-03")

    @Test("wrap then unwrap gives a key that opens what the original sealed")
    func wrapRoundTrip() throws {
        let master = MasterKey.generate()
        let key = DataKey.generate()
        let wrapped = try key.wrapped(by: master, scope: scope)
        #expect(wrapped.count == 12 + 32 + 16)
        let unwrapped = try DataKey.unwrap(wrapped, master: master, scope: scope)
        let sealed = try PayloadSealer.seal(payload: payload, salt: salt, key: key, ledger: ledger, eventID: eventID)
        #expect(try PayloadSealer.open(sealed, key: unwrapped, ledger: ledger, eventID: eventID).payload == payload)
    }

    @Test("unwrapping with the wrong master key, scope or damaged bytes fails")
    func unwrapFailures() throws {
        let master = MasterKey.generate()
        let wrapped = try DataKey.generate().wrapped(by: master, scope: scope)
        #expect(throws: PayloadCryptoError.unwrapFailed) { try DataKey.unwrap(wrapped, master: .generate(), scope: scope) }
        for other in [
            DataKeyScope(ledger: "agency-other", stream: scope.stream, period: scope.period),
            DataKeyScope(ledger: scope.ledger, stream: scope.stream + " ", period: scope.period),
            DataKeyScope(ledger: scope.ledger, stream: scope.stream, period: "2025-04"),
        ] {
            #expect(throws: PayloadCryptoError.unwrapFailed) { try DataKey.unwrap(wrapped, master: master, scope: other) }
        }
        var damaged = wrapped
        damaged[20] ^= 0x80
        #expect(throws: PayloadCryptoError.unwrapFailed) { try DataKey.unwrap(damaged, master: master, scope: scope) }
        #expect(throws: PayloadCryptoError.unwrapFailed) { try DataKey.unwrap(wrapped.prefix(40), master: master, scope: scope) }
    }

    @Test("the wrapping associated data binds ledger, stream and period, each length-prefixed")
    func scopeAssociatedData() {
        let ad = DataKeyScope(ledger: "l", stream: "s", period: "2025-03").associatedData
        #expect(Hex.encode(ad) == "524b2d444154412d4b45592d563100" + "000000016c" + "0000000173" + "00000007323032352d3033")
        // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        #expect(DataKeyScope(ledger: "x", stream: "ab", period: "c").associatedData != DataKeyScope(ledger: "x", stream: "a", period: "bc").associatedData)
    }

    @Test("scopes compare by bytes: an NFC and an NFD stream are different scopes")
    func scopeEqualityIsByteWise() throws {
        let nfc = DataKeyScope(ledger: "agency-main", stream: "conversa\u{E7}\u{E3}o", period: "2025-06")
        let nfd = DataKeyScope(ledger: "agency-main", stream: "conversac\u{327}a\u{303}o", period: "2025-06")
        #expect(nfc.stream == nfd.stream)  // Swift String equality is canonical equivalence …
        #expect(nfc != nfd)  // … but they are distinct data keys in the database and in the associated data.
        #expect(Set([nfc, nfd]).count == 2)
        #expect(nfc == DataKeyScope(ledger: "agency-main", stream: "conversa\u{E7}\u{E3}o", period: "2025-06"))
        let master = MasterKey.generate()
        let wrapped = try DataKey.generate().wrapped(by: master, scope: nfc)
        #expect(throws: PayloadCryptoError.unwrapFailed) { try DataKey.unwrap(wrapped, master: master, scope: nfd) }
    }

    // MARK: Master key

    @Test("MasterKey base64 accepts exactly 32 bytes, trimming white space")
    func masterKeyBase64() throws {
        let bytes = (0..<32).map { UInt8($0) }
        let text = Data(bytes).base64EncodedString()
        #expect(text == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        let key = try MasterKey(base64: "  \(text)\n")
        #expect(key.base64 == text)
        // python3 -c 'import hashlib; print(hashlib.sha256(b"RK-MASTER-KEY-ID\0" + bytes(range(32))).hexdigest()[:16])'
        #expect(key.identifier == "77ddf001e54065d6")
        #expect(try MasterKey(bytes: bytes).identifier == "77ddf001e54065d6")
    }

    @Test("MasterKey rejects wrong lengths", arguments: [0, 1, 16, 31, 33, 48, 64])
    func masterKeyWrongLength(_ length: Int) {
        let text = Data(repeating: 0xAB, count: length).base64EncodedString()
        #expect(throws: PayloadCryptoError.invalidMasterKey("the master key must be 32 bytes, got \(length)")) {
            try MasterKey(base64: text)
        }
        #expect(throws: PayloadCryptoError.self) { try MasterKey(bytes: [UInt8](repeating: 0xAB, count: length)) }
    }

    @Test("MasterKey rejects text that is not base64", arguments: ["not base64!", "AAEC AwQF", "%%%%"])
    func masterKeyNotBase64(_ text: String) {
        #expect(throws: PayloadCryptoError.invalidMasterKey("the master key is not valid base64")) { try MasterKey(base64: text) }
    }

    @Test("generated master keys differ and have 16-hex-digit identifiers")
    func masterKeyGenerate() throws {
        let a = MasterKey.generate()
        let b = MasterKey.generate()
        #expect(a.identifier != b.identifier)
        #expect(a.identifier.count == 16)
        #expect(a.identifier.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try MasterKey(base64: a.base64).identifier == a.identifier)
        #expect(Data(base64Encoded: a.base64)?.count == 32)
    }
}

@Suite("Blind index key")
struct BlindIndexKeyTests {
    // python3: prk = hmac(b"RK-BLIND-INDEX-V1", bytes(range(32)), sha256); okm = hmac(prk, b"search-terms\x01", sha256);
    // hmac(okm, word.encode(), sha256).hexdigest()[:32]; sha256(b"RK-BLIND-INDEX-ID\x00" + okm).hexdigest()[:16]
    @Test("a tag is the first 16 bytes of HMAC-SHA256 under the HKDF-derived key, the same on every call")
    func tagVectors() throws {
        let key = BlindIndexKey(master: try MasterKey(bytes: Array(0..<32)), purpose: "search-terms")
        #expect(key.identifier == "ec897e75324db83f")
        let vectors = ["cafe": "301502d97e5249218844ecb0ceebb670", "permit": "c16c9c1f8597ab96bf8ab3a1aa600a01", "café": "9973b3e8bffba79e336e2aa0c19ddf78"]
        for _ in 0..<2 {
            for (word, tag) in vectors { #expect(Hex.encode(key.tag(word)) == tag, "\(word)") }
        }
    }
}
