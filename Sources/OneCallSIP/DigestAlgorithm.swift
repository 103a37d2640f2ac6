import Crypto

/// A digest authentication algorithm (RFC 2617 §3.2.1, RFC 7616 §3.3). SHA-512-256 is not offered.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// MD5, the RFC 2617 default and what most SIP servers use.
    case md5 = "MD5"
    /// MD5 with the session variant of A1.
    case md5Session = "MD5-sess"
    /// SHA-256 (RFC 7616, RFC 8760).
    case sha256 = "SHA-256"
    /// SHA-256 with the session variant of A1.
    case sha256Session = "SHA-256-sess"

    /// Parses an `algorithm` value, ignoring case; `nil` when it is not supported.
    public init?(token: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == token.lowercased() }) else {
            return nil
        }
        self = match
    }

    /// Whether A1 includes the nonce and cnonce (`-sess`).
    public var isSession: Bool { self == .md5Session || self == .sha256Session }

    /// How much stronger than MD5 the hash is, for choosing among several challenges.
    var strength: Int {
        switch self {
        case .md5, .md5Session: return 0
        case .sha256, .sha256Session: return 1
        }
    }

    /// The lower-case hexadecimal hash of the UTF-8 text.
    public func hash(text: String) -> String {
        hash(bytes: Array(text.utf8))
    }

    /// The lower-case hexadecimal hash of the bytes.
    public func hash(bytes: [UInt8]) -> String {
        switch self {
        case .md5, .md5Session: return SIPSyntax.hex(Array(Insecure.MD5.hash(data: bytes)))
        case .sha256, .sha256Session: return SIPSyntax.hex(Array(SHA256.hash(data: bytes)))
        }
    }
}
