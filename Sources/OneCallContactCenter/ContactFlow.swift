import Foundation
import OneCallCore

/// A contact flow in Amazon Connect's flow language (`Version` 2019-10-30), checked at load so that running it
/// can only fail on the call, never on the definition.
///
/// The JSON has `Version`, `StartAction`, `Actions` (each with `Identifier`, `Type`, `Parameters`,
/// `Transitions`) and an optional `Metadata`, which is ignored. Supported action types are listed in
/// ``ContactFlowAction/ActionType``.
public struct ContactFlow: Sendable, Hashable {
    /// The largest flow file accepted: 1 MiB.
    public static let maximumBytes = 1 << 20
    /// The most actions in one flow.
    public static let maximumActions = 1000
    /// The longest text parameter, in UTF-8 bytes.
    public static let maximumTextBytes = 8192
    /// The longest action identifier, in characters (Connect's limit).
    public static let maximumIdentifierLength = 50
    /// The flow-language version this reads.
    public static let supportedVersion = "2019-10-30"

    /// The flow's name (the file stem for flows loaded from a directory).
    public var name: String
    /// The file it came from, for errors.
    public var file: String
    /// `Version`.
    public var version: String
    /// `StartAction`: the identifier of the first action.
    public var startAction: String
    /// The actions in file order.
    public var actions: [ContactFlowAction]
    private var index: [String: Int]

    /// Reads and checks a flow. Throws for invalid JSON, a missing top-level key, an unknown action type, a
    /// duplicate identifier, a transition to a missing action, a missing or malformed parameter, an unsupported
    /// operator or error type, and anything over a limit (``maximumBytes``, ``maximumActions``,
    /// ``maximumTextBytes``).
    public init(json: Data, name: String, file: String) throws(ContactCenterDefinitionError) {
        let document = try DefinitionFields.parse(json, file: file, maximumBytes: Self.maximumBytes)
        let fields = try DefinitionFields(document, file: file, item: "(flow)")
        let version = try fields.requiredString("Version", maximumBytes: 64)
        guard version == Self.supportedVersion else {
            throw fields.error(
                .invalidValue, "Version '\(version)' is not supported; expected \(Self.supportedVersion)")
        }
        let start = try fields.requiredString("StartAction", maximumBytes: 256)
        guard let list = try fields.array("Actions", maximumCount: Self.maximumActions) else {
            throw fields.error(.missingKey, "'Actions' is required")
        }
        var actions: [ContactFlowAction] = []
        actions.reserveCapacity(list.count)
        for (position, value) in list.enumerated() {
            actions.append(try ContactFlowAction(parsing: value, file: file, position: position))
        }
        try self.init(name: name, file: file, version: version, startAction: start, actions: actions)
    }

    /// A flow from values, with the same cross-checks as loading (duplicates, dangling transitions, limits).
    public init(
        name: String, file: String = "<built-in>", version: String = ContactFlow.supportedVersion,
        startAction: String, actions: [ContactFlowAction]
    ) throws(ContactCenterDefinitionError) {
        guard actions.count <= Self.maximumActions else {
            throw ContactCenterDefinitionError(
                code: .tooLarge, file: file, item: "Actions",
                reason: "\(actions.count) actions is over the limit of \(Self.maximumActions)")
        }
        guard !actions.isEmpty else {
            throw ContactCenterDefinitionError(
                code: .missingKey, file: file, item: "Actions", reason: "a flow needs at least one action")
        }
        var index: [String: Int] = [:]
        for (position, action) in actions.enumerated() {
            if index[action.identifier] != nil {
                throw ContactCenterDefinitionError(
                    code: .duplicateIdentifier, file: file, item: action.identifier,
                    reason: "the identifier is used by more than one action")
            }
            index[action.identifier] = position
        }
        guard index[startAction] != nil else {
            throw ContactCenterDefinitionError(
                code: .danglingTransition, file: file, item: "StartAction",
                reason: "names '\(startAction)', which is not an action in this flow")
        }
        for action in actions {
            for target in action.transitions.targets where index[target] == nil {
                throw ContactCenterDefinitionError(
                    code: .danglingTransition, file: file, item: action.identifier,
                    reason: "dangling transition to '\(target)', which is not an action in this flow")
            }
        }
        self.name = name
        self.file = file
        self.version = version
        self.startAction = startAction
        self.actions = actions
        self.index = index
    }

    /// The action with `identifier`.
    public func action(_ identifier: String) -> ContactFlowAction? {
        index[identifier].map { actions[$0] }
    }

    /// The hours-of-operation ids that `CheckHoursOfOperation` actions name statically (not `$.` references).
    public var staticHoursOfOperationIDs: [(action: String, hours: String)] {
        actions.compactMap { action in
            guard case .checkHours(let id?) = action.step, !id.hasPrefix("$.") else { return nil }
            return (action.identifier, id)
        }
    }
}
