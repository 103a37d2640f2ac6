import Foundation
import OneCallCore

/// Topic access rules in Mosquitto's `acl_file` format, so that an existing file works unchanged:
///
/// ```
/// # lines before any `user` line apply to anonymous clients
/// topic read $SYS/#
/// user admin
/// topic readwrite #
/// # patterns apply to every client; %c is the client id, %u the user name
/// pattern write devices/%c/telemetry
/// pattern read devices/%c/commands
/// ```
///
/// Access is `read`, `write`, `readwrite` (the default when omitted) or `deny`. A `deny` rule that
/// matches wins; otherwise a topic is allowed only if some rule grants the access.
public struct AccessControlList: Sendable, Equatable {
    /// What a rule grants.
    public enum Access: String, Sendable {
        case read, write, readwrite, deny
    }

    /// One `topic` or `pattern` line.
    public struct Rule: Sendable, Equatable {
        public var access: Access
        public var topic: String
    }

    /// Rules for anonymous clients.
    public private(set) var anonymousRules: [Rule] = []
    /// Rules per user name.
    public private(set) var userRules: [String: [Rule]] = [:]
    /// Pattern rules, for every client.
    public private(set) var patternRules: [Rule] = []

    /// Parses an ACL file. Errors name the line and what is wrong with it.
    public init(parsing text: String) throws(ConfigurationError) {
        var currentUser: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            func fail(_ why: String) -> ConfigurationError {
                ConfigurationError(key: "acl", reason: "line \(lineNumber): \(why)")
            }
            switch words[0] {
            case "user":
                guard words.count >= 2 else { throw fail("'user' needs a name") }
                currentUser = words.dropFirst().joined(separator: " ")
            case "topic", "pattern":
                guard words.count >= 2 else { throw fail("'\(words[0])' needs a topic") }
                var access = Access.readwrite
                var topic = words[1]
                if words.count == 3 {
                    guard let a = Access(rawValue: words[1]) else { throw fail("unknown access '\(words[1])'") }
                    access = a
                    topic = words[2]
                } else if Access(rawValue: words[1]) != nil {
                    throw fail("'\(words[0]) \(words[1])' needs a topic")
                }
                do {
                    try Topic.validateFilter(topic)
                } catch {
                    throw fail("invalid topic '\(topic)': \(error)")
                }
                let rule = Rule(access: access, topic: topic)
                if words[0] == "pattern" {
                    patternRules.append(rule)
                } else if let user = currentUser {
                    userRules[user, default: []].append(rule)
                } else {
                    anonymousRules.append(rule)
                }
            default:
                throw fail("unknown keyword '\(words[0])'")
            }
        }
    }

    /// The rules that apply to one client, with `%c` and `%u` substituted.
    public func rules(username: String?, clientIdentifier: String) -> AccessRules {
        var rules = username.map { userRules[$0] ?? [] } ?? anonymousRules
        for rule in patternRules {
            if rule.topic.contains("%u") && username == nil { continue }
            let unsafe: (String) -> Bool = { $0.contains("/") || $0.contains("+") || $0.contains("#") }
            if rule.topic.contains("%c") && unsafe(clientIdentifier) { continue }
            if rule.topic.contains("%u"), let username, unsafe(username) { continue }
            var topic = rule.topic.replacingOccurrences(of: "%c", with: clientIdentifier)
            if let username { topic = topic.replacingOccurrences(of: "%u", with: username) }
            rules.append(Rule(access: rule.access, topic: topic))
        }
        return AccessRules(rules: rules)
    }
}

/// The access rules of one client, ready to check topics against.
public struct AccessRules: Sendable, Equatable {
    /// The rules, in file order.
    public var rules: [AccessControlList.Rule]

    /// The kind of use being checked.
    public enum Use: Sendable { case read, write }

    /// Whether the client may publish to (`write`) or receive from (`read`) `topic`.
    public func allows(_ topic: String, access: Use) -> Bool {
        var granted = false
        for rule in rules where Topic.matches(filter: rule.topic, name: topic) {
            switch rule.access {
            case .deny: return false
            case .readwrite: granted = true
            case .read: if access == .read { granted = true }
            case .write: if access == .write { granted = true }
            }
        }
        return granted
    }

    /// Whether the client may subscribe to `filter`: some read rule covers every topic the filter can
    /// match, and no deny rule names it. Messages are also checked one by one on delivery.
    public func allowsSubscribe(_ filter: String) -> Bool {
        var granted = false
        for rule in rules {
            // A filter's wildcards are compared as literal levels: a rule covers the filter when the
            // rule matches the filter's text.
            guard Topic.matches(filter: rule.topic, name: filter) else { continue }
            switch rule.access {
            case .deny: return false
            case .read, .readwrite: granted = true
            case .write: break
            }
        }
        return granted
    }
}
