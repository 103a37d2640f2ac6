/// A request addressed to one shadow: which shadow and what to do with it, read from an MQTT topic
/// or from a REST call.
public struct ShadowRequest: Hashable, Sendable {
    /// The shadow addressed.
    public var id: ShadowID
    /// What is asked.
    public var operation: ShadowOperation

    /// A request for `operation` on `id`.
    public init(id: ShadowID, operation: ShadowOperation) {
        self.id = id
        self.operation = operation
    }

    /// Reads a request topic. Returns `nil` for a topic that is not a shadow request — a reply topic
    /// such as `…/update/accepted`, or any other — and throws when it is one but a name is invalid.
    public init?(topic: String) throws(ShadowNameError) {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 5 || levels.count == 7, levels[0] == "$aws", levels[1] == "things",
            levels[3] == "shadow", let operation = ShadowOperation(rawValue: String(levels[levels.count - 1]))
        else { return nil }
        var shadowName: String?
        if levels.count == 7 {
            guard levels[4] == "name" else { return nil }
            shadowName = String(levels[5])
        }
        self.id = try ShadowID(thingName: String(levels[2]), shadowName: shadowName)
        self.operation = operation
    }

    /// Reads a REST call (`GET`, `POST` or `DELETE` on `/things/{thingName}/shadow?name={shadowName}`,
    /// "Device Shadow REST API"): 405 for another method, 400 for an invalid name.
    public init(httpMethod: String, thingName: String, shadowName: String?) throws(ShadowError) {
        switch httpMethod {
        case "GET": operation = .get
        case "POST": operation = .update
        case "DELETE": operation = .delete
        default: throw ShadowError.methodNotAllowed
        }
        do {
            id = try ShadowID(thingName: thingName, shadowName: shadowName)
        } catch {
            throw ShadowError(code: .badRequest, message: "The request is not valid", detail: error.description)
        }
    }

    /// The MQTT topic this request is published on.
    public var topic: String { ShadowTopic.request(operation, for: id) }
}
