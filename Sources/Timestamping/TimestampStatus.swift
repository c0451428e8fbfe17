import COpenSSL

/// The `PKIStatusInfo` of a time-stamp response: whether the TSA granted the request and, if
/// not, why.
public struct TimestampStatus: Hashable, Sendable, CustomStringConvertible {
    /// The RFC 3161 `PKIStatus` values.
    public enum Code: Int, Hashable, Sendable, CustomStringConvertible {
        case granted = 0
        case grantedWithModifications = 1
        case rejection = 2
        case waiting = 3
        case revocationWarning = 4
        case revocationNotification = 5

        public var description: String {
            switch self {
            case .granted: "granted"
            case .grantedWithModifications: "granted with modifications"
            case .rejection: "rejection"
            case .waiting: "waiting"
            case .revocationWarning: "revocation warning"
            case .revocationNotification: "revocation notification"
            }
        }
    }

    /// The RFC 3161 `PKIFailureInfo` bits.
    public enum FailureInfo: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case badAlgorithm = 0
        case badRequest = 2
        case badDataFormat = 5
        case timeNotAvailable = 14
        case unacceptedPolicy = 15
        case unacceptedExtension = 16
        case additionalInfoNotAvailable = 17
        case systemFailure = 25

        public var description: String {
            switch self {
            case .badAlgorithm: "badAlg: the TSA does not accept the hash algorithm"
            case .badRequest: "badRequest: the TSA does not permit or support the transaction"
            case .badDataFormat: "badDataFormat: the request is malformed"
            case .timeNotAvailable: "timeNotAvailable: the TSA's time source is not available"
            case .unacceptedPolicy: "unacceptedPolicy: the TSA does not support the requested policy"
            case .unacceptedExtension: "unacceptedExtension: the TSA does not support a requested extension"
            case .additionalInfoNotAvailable: "addInfoNotAvailable: the TSA lacks information it needs"
            case .systemFailure: "systemFailure: the TSA failed internally; try again later"
            }
        }
    }

    /// The status.
    public var code: Code
    /// The TSA's free text (`statusString`), if any.
    public var text: [String]
    /// The failure reasons the TSA gave, if any.
    public var failureInfo: [FailureInfo]

    /// A status, e.g. to describe an expected rejection in a test.
    public init(code: Code, text: [String] = [], failureInfo: [FailureInfo] = []) {
        self.code = code
        self.text = text
        self.failureInfo = failureInfo
    }

    /// `granted` or `grantedWithModifications`: the response carries a token.
    public var isGranted: Bool {
        code == .granted || code == .grantedWithModifications
    }

    public var description: String {
        var parts = failureInfo.map(\.description)
        parts += text.map { "\"\($0)\"" }
        return parts.isEmpty ? code.description : "\(code) (\(parts.joined(separator: "; ")))"
    }

    /// Reads an OpenSSL `TS_STATUS_INFO`; `nil` for a status value outside RFC 3161.
    init?(openSSL info: OpaquePointer) {
        guard let status = TS_STATUS_INFO_get0_status(info), let code = Code(rawValue: ASN1_INTEGER_get(status)) else {
            return nil
        }
        var text: [String] = []
        if let strings = TS_STATUS_INFO_get0_text(info) {
            for index in 0..<rk_sk_ASN1_UTF8STRING_num(strings) {
                text.append(String(decoding: ASN1Values.bytes(rk_sk_ASN1_UTF8STRING_value(strings, index)), as: UTF8.self))
            }
        }
        var failureInfo: [FailureInfo] = []
        if let bits = TS_STATUS_INFO_get0_failure_info(info) {
            failureInfo = FailureInfo.allCases.filter { ASN1_BIT_STRING_get_bit(bits, Int32($0.rawValue)) == 1 }
        }
        self.init(code: code, text: text, failureInfo: failureInfo)
    }
}
