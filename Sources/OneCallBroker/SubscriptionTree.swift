import OneCallCore
import OneCallMQTT

/// One session's subscription to one filter, as stored in the tree.
struct SubscriptionEntry {
    let session: BrokerSession
    var options: MQTTSubscriptionOptions
    var identifier: Int?
}

/// The members of one share group on one filter; messages go to one member in turn.
struct ShareGroup {
    var members: [SubscriptionEntry] = []
    var next = 0
}

/// A delivery chosen for one message: the session, the QoS and flags it gets, and the subscription
/// identifiers of every subscription that matched for it.
struct Delivery {
    let session: BrokerSession
    var qos: MQTTQoS
    var retainAsPublished: Bool
    var identifiers: [Int]
}

/// Subscriptions indexed by topic level, so that a publish visits only the branches that can match
/// (`+` and `#` children are visited beside the literal level).
struct SubscriptionTree {
    final class Node {
        var children: [String: Node] = [:]
        var subscribers: [String: SubscriptionEntry] = [:]
        var groups: [String: ShareGroup] = [:]

        var isEmpty: Bool { children.isEmpty && subscribers.isEmpty && groups.isEmpty }
    }

    private let root = Node()
    /// How many (session, filter) subscriptions the tree holds.
    private(set) var count = 0

    /// Adds or replaces a subscription; returns whether one already existed.
    @discardableResult
    mutating func insert(_ filter: SharedFilter, entry: SubscriptionEntry) -> Bool {
        var node = root
        for level in Topic.levels(filter.filter) {
            let key = String(level)
            if let child = node.children[key] {
                node = child
            } else {
                let child = Node()
                node.children[key] = child
                node = child
            }
        }
        let clientID = entry.session.clientIdentifier
        if let group = filter.group {
            var share = node.groups[group] ?? ShareGroup()
            if let i = share.members.firstIndex(where: { $0.session.clientIdentifier == clientID }) {
                share.members[i] = entry
                node.groups[group] = share
                return true
            }
            share.members.append(entry)
            node.groups[group] = share
        } else {
            if node.subscribers.updateValue(entry, forKey: clientID) != nil { return true }
        }
        count += 1
        return false
    }

    /// Removes a subscription; returns whether it existed.
    @discardableResult
    mutating func remove(_ filter: SharedFilter, clientIdentifier: String) -> Bool {
        var path: [(Node, String)] = []
        var node = root
        for level in Topic.levels(filter.filter) {
            let key = String(level)
            guard let child = node.children[key] else { return false }
            path.append((node, key))
            node = child
        }
        var removed = false
        if let group = filter.group {
            if var share = node.groups[group],
                let i = share.members.firstIndex(where: { $0.session.clientIdentifier == clientIdentifier })
            {
                share.members.remove(at: i)
                node.groups[group] = share.members.isEmpty ? nil : share
                removed = true
            }
        } else {
            removed = node.subscribers.removeValue(forKey: clientIdentifier) != nil
        }
        guard removed else { return false }
        count -= 1
        // Prune empty branches.
        while let (parent, key) = path.popLast(), parent.children[key]!.isEmpty {
            parent.children[key] = nil
        }
        return true
    }

    /// The deliveries for a message published to `topic` by `publisher`: one per matching session for
    /// ordinary subscriptions (highest QoS, every identifier), plus one member per matching share group.
    mutating func match(topic: String, publisher: String?) -> [Delivery] {
        var bySession: [ObjectIdentifier: Int] = [:]
        var deliveries: [Delivery] = []
        let levels = Topic.levels(topic)
        let dollar = topic.utf8.first == UInt8(ascii: "$")

        func collect(_ node: Node) {
            for (_, entry) in node.subscribers {
                if entry.options.noLocal && entry.session.clientIdentifier == publisher { continue }
                let id = ObjectIdentifier(entry.session)
                if let i = bySession[id] {
                    if entry.options.qos > deliveries[i].qos {
                        deliveries[i].qos = entry.options.qos
                        deliveries[i].retainAsPublished = entry.options.retainAsPublished
                    }
                    if let identifier = entry.identifier { deliveries[i].identifiers.append(identifier) }
                } else {
                    bySession[id] = deliveries.count
                    deliveries.append(
                        Delivery(
                            session: entry.session, qos: entry.options.qos,
                            retainAsPublished: entry.options.retainAsPublished,
                            identifiers: entry.identifier.map { [$0] } ?? []))
                }
            }
            for (name, var share) in node.groups {
                guard let chosen = Self.pick(&share) else { continue }
                node.groups[name] = share
                deliveries.append(
                    Delivery(
                        session: chosen.session, qos: chosen.options.qos, retainAsPublished: false,
                        identifiers: chosen.identifier.map { [$0] } ?? []))
            }
        }

        func walk(_ node: Node, _ depth: Int) {
            if depth == levels.count {
                collect(node)
                if let multi = node.children["#"] { collect(multi) }
                return
            }
            let skipWildcards = depth == 0 && dollar
            if !skipWildcards {
                if let multi = node.children["#"] { collect(multi) }
                if let single = node.children["+"] { walk(single, depth + 1) }
            }
            if let literal = node.children[String(levels[depth])] { walk(literal, depth + 1) }
        }
        walk(root, 0)
        return deliveries
    }

    /// The next member of a share group, preferring connected sessions.
    private static func pick(_ share: inout ShareGroup) -> SubscriptionEntry? {
        let n = share.members.count
        guard n > 0 else { return nil }
        for offset in 0..<n {
            let i = (share.next + offset) % n
            if share.members[i].session.isConnected {
                share.next = (i + 1) % n
                return share.members[i]
            }
        }
        let i = share.next % n
        share.next = (i + 1) % n
        return share.members[i]
    }
}
