import OneCallBroker
import OneCallCore
import Synchronization

/// Operators who sign in to the console and the API: accounts in a password file (the
/// `mosquitto_passwd` format, PBKDF2-SHA512 hashes; `onecall passwd FILE NAME`), and the bearer
/// tokens handed out at sign-in, each valid for `lifetime` seconds. Tokens live in memory: a
/// restart signs everyone out. At most `maximumTokens` are kept (the oldest go first).
public final class OperatorSessions: Sendable {
    /// What the sessions count.
    public struct Statistics: Sendable, Hashable {
        public var signIns = 0
        public var refused = 0
        public var active = 0
    }

    private struct State {
        var tokens: [String: (user: String, expires: Double)] = [:]
        var statistics = Statistics()
    }

    private let accounts: PasswordFile
    private let lifetime: Double
    private let maximumTokens: Int
    private let state = Mutex(State())

    /// Sessions for the accounts in `accounts`.
    public init(accounts: PasswordFile, lifetime: Double = 12 * 3600, maximumTokens: Int = 10_000) {
        self.accounts = accounts
        self.lifetime = lifetime
        self.maximumTokens = maximumTokens
    }

    /// Whether any operator can sign in.
    public var hasAccounts: Bool { !accounts.usernames.isEmpty }

    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.active = state.tokens.count
            return statistics
        }
    }

    /// A new token for the operator, or `nil` when the name or the password is wrong.
    public func signIn(username: String, password: String, now: Double) -> (token: String, expires: Double)? {
        guard username.utf8.count <= 256, password.utf8.count <= 1024,
            accounts.verify(username: username, password: Array(password.utf8))
        else {
            state.withLock { $0.statistics.refused += 1 }
            return nil
        }
        let token = RandomText.hex(randomBytes: 32)
        let expires = now + lifetime
        state.withLock { state in
            state.tokens = state.tokens.filter { $0.value.expires > now }
            if state.tokens.count >= maximumTokens,
                let oldest = state.tokens.min(by: { $0.value.expires < $1.value.expires })?.key
            {
                state.tokens[oldest] = nil
            }
            state.tokens[token] = (username, expires)
            state.statistics.signIns += 1
        }
        return (token, expires)
    }

    /// The operator a token belongs to, while it is valid.
    public func user(token: String, now: Double) -> String? {
        state.withLock { state in
            guard let entry = state.tokens[token] else { return nil }
            guard entry.expires > now else {
                state.tokens[token] = nil
                return nil
            }
            return entry.user
        }
    }

    /// Ends a token's session.
    public func signOut(token: String) {
        state.withLock { $0.tokens[token] = nil }
    }
}
