import Crypto
import Foundation
import NIOConcurrencyHelpers
import OneCallCore
import _CryptoExtras

/// Users and salted password hashes, one `user:hash` per line, in the formats `mosquitto_passwd`
/// writes, so that an existing Mosquitto password file works unchanged:
/// `$7$<iterations>$<salt>$<hash>` (PBKDF2-HMAC-SHA512, base64) and `$6$<salt>$<hash>` (SHA-512 of
/// password and salt). `onecall passwd` writes `$7$` lines.
public final class PasswordFile: Sendable {
    /// The iteration count of newly written `$7$` hashes.
    public static let defaultIterations = 10_000

    private enum Hash: Sendable {
        case pbkdf2(iterations: Int, salt: [UInt8], hash: [UInt8])
        case sha512(salt: [UInt8], hash: [UInt8])
    }

    private let users: [String: Hash]
    /// Recently verified (user, password digest) pairs, so that reconnect storms do not pay PBKDF2 each time.
    private let verified = NIOLockedValueBox<Set<String>>([])

    /// The user names in the file.
    public var usernames: [String] { users.keys.sorted() }

    /// Parses a password file. Errors name the line.
    public init(parsing text: String) throws(ConfigurationError) {
        var users: [String: Hash] = [:]
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.lastIndex(of: ":") else {
                throw ConfigurationError(key: "password_file", reason: "line \(lineNumber): expected user:hash")
            }
            let user = String(line[..<colon])
            let fields = line[line.index(after: colon)...].split(separator: "$", omittingEmptySubsequences: false)
            guard !user.isEmpty, let hash = Self.parseHash(fields) else {
                throw ConfigurationError(key: "password_file", reason: "line \(lineNumber): unsupported hash format")
            }
            users[user] = hash
        }
        self.users = users
    }

    private static func parseHash(_ f: [Substring]) -> Hash? {
        // "$7$iter$salt$hash" splits into ["", "7", iter, salt, hash].
        guard f.count >= 4, f[0].isEmpty else { return nil }
        switch f[1] {
        case "7" where f.count == 5:
            guard let iterations = Int(f[2]), iterations > 0, iterations <= 10_000_000,
                let salt = Data(base64Encoded: String(f[3])), let hash = Data(base64Encoded: String(f[4]))
            else { return nil }
            return .pbkdf2(iterations: iterations, salt: Array(salt), hash: Array(hash))
        case "6" where f.count == 4:
            guard let salt = Data(base64Encoded: String(f[2])), let hash = Data(base64Encoded: String(f[3])) else {
                return nil
            }
            return .sha512(salt: Array(salt), hash: Array(hash))
        default:
            return nil
        }
    }

    /// Whether the file has the user.
    public func contains(_ username: String) -> Bool { users[username] != nil }

    /// Whether `password` is the user's password.
    public func verify(username: String, password: [UInt8]) -> Bool {
        guard let hash = users[username] else { return false }
        let cacheKey = username + "\u{0}" + SHA256.hash(data: password + Array(username.utf8)).description
        if verified.withLockedValue({ $0.contains(cacheKey) }) { return true }
        let ok: Bool
        switch hash {
        case .pbkdf2(let iterations, let salt, let expected):
            guard
                let key = try? KDF.Insecure.PBKDF2.deriveKey(
                    from: password, salt: salt, using: .sha512, outputByteCount: expected.count,
                    unsafeUncheckedRounds: iterations)
            else { return false }
            ok = key.withUnsafeBytes { Self.constantTimeEqual(Array($0), expected) }
        case .sha512(let salt, let expected):
            ok = Self.constantTimeEqual(Array(SHA512.hash(data: password + salt)), expected)
        }
        if ok {
            verified.withLockedValue { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache.insert(cacheKey)
            }
        }
        return ok
    }

    /// A password file line for `username` with a fresh salt, in `$7$` form.
    public static func line(username: String, password: String, iterations: Int = defaultIterations) throws -> String {
        var salt = [UInt8](repeating: 0, count: 12)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha512, outputByteCount: 64,
            unsafeUncheckedRounds: iterations)
        let hash = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return "\(username):$7$\(iterations)$\(Data(salt).base64EncodedString())$\(hash)"
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
