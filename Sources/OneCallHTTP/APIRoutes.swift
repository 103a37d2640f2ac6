import Hummingbird
import OneCallCore
import OneCallStorage

/// The REST API under `/api/v1` and the AWS-style shadow paths under `/things`.
struct APIRoutes: Sendable {
    let services: APIServices

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("api/v1")
        let things = router.group("things")
        let awsThings = router.group("api/things")
        let mcp = router.group("mcp")
        if let middleware = BearerTokenMiddleware(services: services) {
            for group in [api, things, awsThings, mcp] { group.add(middleware: middleware) }
        }
        registerSignIn(router: router, api: api)
        if let workflow = services.workflow {
            WorkflowRoutes(workflow: workflow, maximumBodySize: services.maximumBodySize, clock: services.clock)
                .register(api: api, mcp: mcp)
        }
        registerDevices(on: api)
        registerTelemetry(on: api)
        registerEvents(on: api)
        registerRules(on: api)
        registerShadows(things: things, awsThings: awsThings)
    }

    // MARK: Sign-in

    /// `POST /api/v1/login` (open: it is how an operator gets a token) and `POST /api/v1/logout`.
    func registerSignIn(router: Router<BasicRequestContext>, api: RouterGroup<BasicRequestContext>) {
        let services = self.services
        router.post("api/v1/login") { request, _ -> Response in
            guard let operators = services.operators else {
                throw APIError.notFound("no operator accounts are configured (http.operators_file)")
            }
            let object = try await JSONResponse.object(of: request, limit: 8192)
            for key in object.keys where key != "username" && key != "password" {
                throw APIError.badRequest("unknown member \(key); members: username, password")
            }
            guard let username = object["username"]?.stringValue, let password = object["password"]?.stringValue
            else { throw APIError.badRequest("username and password must be strings") }
            guard let session = operators.signIn(username: username, password: password, now: services.clock())
            else { throw APIError(.unauthorized, code: "unauthorized", "wrong user name or password") }
            return JSONResponse.make([
                "token": .string(session.token), "expires_at": .double(session.expires), "username": .string(username),
            ])
        }
        api.post("logout") { request, _ -> Response in
            let header = request.headers[.authorization] ?? ""
            if header.hasPrefix("Bearer ") { services.operators?.signOut(token: String(header.dropFirst(7))) }
            return JSONResponse.make(["signed_out": true])
        }
    }

    // MARK: Devices

    func registerDevices(on api: RouterGroup<BasicRequestContext>) {
        let services = self.services
        api.get("devices") { _, _ -> Response in
            let devices = try await services.devices.devices()
            let list = devices.map { device in
                JSONValue.object(device.json(connected: services.broker.isConnected(clientIdentifier: device.id)))
            }
            return JSONResponse.make(["devices": .array(list), "count": .int(Int64(list.count))])
        }
        api.post("devices") { request, _ -> Response in
            let object = try await JSONResponse.object(of: request, limit: services.maximumBodySize)
            let device = try await Self.registry { try await services.devices.create(object) }
            return JSONResponse.make(.object(device.json(connected: false)), status: .created)
        }
        api.post("devices/import") { request, _ -> Response in
            let bytes = try await JSONResponse.body(of: request, limit: services.maximumBodySize)
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let isCSV = contentType.contains("csv")
            if !isCSV && (contentType.contains("json") || DeviceImport.looksLikeJSON(bytes)) {
                do {
                    _ = try JSONValue(
                        parsing: bytes, limits: JSONParseLimits(maximumBytes: bytes.count, maximumDepth: 16))
                } catch {
                    throw APIError.badRequest("\(error)", code: "invalid_json")
                }
            }
            let descriptions: [JSONObject]
            do {
                descriptions = try isCSV ? DeviceImport.csvDescriptions(bytes) : DeviceImport.descriptions(from: bytes)
            } catch {
                throw APIError.badRequest("\(error)")
            }
            let result = try await Self.registry { try await services.devices.importDevices(descriptions) }
            return JSONResponse.make(["created": .int(Int64(result.created)), "updated": .int(Int64(result.updated))])
        }
        api.get("devices/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let device = try await Self.registry { try await services.devices.device(id: id) }
            return JSONResponse.make(.object(device.json(connected: services.broker.isConnected(clientIdentifier: id))))
        }
        for (method, replace) in [(HTTPRequest.Method.put, true), (.patch, false)] {
            api.on("devices/:id", method: method) { request, context -> Response in
                let id = try context.parameters.require("id")
                let object = try await JSONResponse.object(of: request, limit: services.maximumBodySize)
                let device = try await Self.registry {
                    try await services.devices.update(id: id, with: object, replace: replace)
                }
                return JSONResponse.make(
                    .object(device.json(connected: services.broker.isConnected(clientIdentifier: id))))
            }
        }
        api.delete("devices/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            try await Self.registry { try await services.devices.delete(id: id) }
            return Response(status: .noContent)
        }
        api.post("devices/:id/commands") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard Device.isValidID(id) else {
                throw APIError.badRequest("a device id is 1 to 128 of the characters a-z A-Z 0-9 _ - . :")
            }
            _ = try await Self.registry { try await services.devices.device(id: id) }
            let object = try await JSONResponse.object(of: request, limit: services.maximumBodySize)
            let topic = services.commandTopic(id)
            var payload = ByteBuffer()
            payload.writeBytes(JSONValue.object(object).jsonBytes)
            do {
                _ = try services.broker.publish(topic: topic, payload: payload, qos: .atLeastOnce)
            } catch {
                throw APIError(.serviceUnavailable, code: "publish_failed", "cannot publish the command: \(error)")
            }
            return JSONResponse.make(["topic": .string(topic), "command": .object(object)], status: .accepted)
        }
        api.get("devices/:id/telemetry") { request, context -> Response in
            let id = try context.parameters.require("id")
            return try await telemetryResponse(request: request, device: id)
        }
    }

    /// Runs a registry operation, answering its failures with the matching status.
    static func registry<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DeviceRegistryError {
            switch error.code {
            case .notFound: throw APIError.notFound(error.message)
            case .alreadyExists: throw APIError(.conflict, code: "already_exists", error.message)
            case .invalid: throw APIError.badRequest(error.message)
            }
        }
    }

    // MARK: Telemetry

    func registerTelemetry(on api: RouterGroup<BasicRequestContext>) {
        let services = self.services
        api.get("telemetry") { request, _ -> Response in
            try await telemetryResponse(request: request, device: request.uri.queryParameters.get("device"))
        }
        api.get("telemetry/dead-letters") { request, _ -> Response in
            let limit = try Self.integer(request, "limit", default: 100, range: 1...10_000)
            let letters = try await services.telemetry.deadLetters(limit: limit)
            let list = letters.map { letter -> JSONValue in
                [
                    "sequence": .int(letter.sequence), "topic": .string(letter.topic),
                    "client_id": letter.clientID.map(JSONValue.string) ?? .null,
                    "received_at": .double(letter.receivedAt), "reason": .string(letter.reason),
                    "payload": .string(String(decoding: letter.payload, as: UTF8.self)),
                ]
            }
            return JSONResponse.make(["dead_letters": .array(list)])
        }
    }

    /// Readings of one device (or all) in a time range; with `bucket` (seconds) and `field`, the
    /// field's average, minimum and maximum per bucket instead.
    func telemetryResponse(request: Request, device: String?) async throws -> Response {
        let query = request.uri.queryParameters
        let from = try Self.time(query.get("from"), name: "from")
        let to = try Self.time(query.get("to"), name: "to")
        if let bucketText = query.get("bucket") {
            guard let device else { throw APIError.badRequest("downsampling needs a device") }
            guard let bucket = Double(bucketText), bucket >= 1, bucket <= 366 * 86_400 else {
                throw APIError.badRequest("bucket: expected seconds between 1 and 31622400")
            }
            guard let field = query.get("field"), !field.isEmpty, field.utf8.count <= 256, !field.contains("\"") else {
                throw APIError.badRequest("field: a numeric member of the readings is required (no '\"')")
            }
            let buckets = try await services.telemetry.aggregate(
                TelemetryAggregation(deviceID: device, field: field, from: from, to: to, bucketSeconds: bucket))
            let list = buckets.map { bucket -> JSONValue in
                [
                    "start": .double(bucket.start), "count": .int(Int64(bucket.count)),
                    "avg": bucket.average.map(JSONValue.double) ?? .null,
                    "min": bucket.minimum.map(JSONValue.double) ?? .null,
                    "max": bucket.maximum.map(JSONValue.double) ?? .null,
                ]
            }
            return JSONResponse.make([
                "device_id": .string(device), "field": .string(field), "bucket": .double(bucket),
                "buckets": .array(list),
            ])
        }
        let limit = try Self.integer(request, "limit", default: 1000, range: 1...100_000)
        let newestFirst: Bool
        switch query.get("order") ?? "asc" {
        case "asc": newestFirst = false
        case "desc": newestFirst = true
        default: throw APIError.badRequest("order: expected asc or desc")
        }
        let records = try await services.telemetry.readings(
            TelemetryQuery(deviceID: device, from: from, to: to, limit: limit, newestFirst: newestFirst))
        // A byte budget as well as a count: readings may be large.
        var budget = 32 << 20
        var truncated = false
        let kept = records.prefix { record in
            budget -= record.payload.count + 160
            if budget < 0 { truncated = true }
            return budget >= 0
        }
        let list = kept.map { record -> JSONValue in
            [
                "sequence": .int(record.sequence), "device_id": .string(record.deviceID),
                "timestamp": .double(record.timestamp), "received_at": .double(record.receivedAt),
                "topic": .string(record.topic),
                "payload": (try? JSONValue(parsing: record.payload))
                    ?? .string(String(decoding: record.payload, as: UTF8.self)),
            ]
        }
        return JSONResponse.make([
            "readings": .array(list), "count": .int(Int64(list.count)), "truncated": .bool(truncated),
        ])
    }

    static func time(_ text: String?, name: String) throws -> Double? {
        guard let text else { return nil }
        do {
            return try EventIntake.time(.string(text), field: name)
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name): expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    // MARK: Events

    func registerEvents(on api: RouterGroup<BasicRequestContext>) {
        let services = self.services
        let submit: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let value = try await JSONResponse.json(of: request, limit: services.maximumBodySize)
            let parsed: EventIntake.Parsed
            do {
                parsed = try EventIntake.parse(
                    value, noErrorCodes: services.noErrorCodes, now: services.clock(), newID: { UUIDText.random() })
            } catch {
                services.events.count(rejected: 1)
                throw APIError.badRequest("\(error)", code: "invalid_event")
            }
            services.events.count(ignored: parsed.ignored)
            try await services.events.submit(parsed.events)
            return JSONResponse.make(
                [
                    "accepted": .int(Int64(parsed.events.count)), "ignored": .int(Int64(parsed.ignored)),
                    "ids": .array(parsed.events.map { .string($0.id) }),
                ], status: .accepted)
        }
        api.post("events", use: submit)
        api.post("events/alertmanager", use: submit)
        api.get("events") { request, _ -> Response in
            let limit = try Self.integer(request, "limit", default: 100, range: 1...10_000)
            let events = try await services.events.recent(
                deviceID: request.uri.queryParameters.get("device"), limit: limit)
            return JSONResponse.make(["events": .array(events.map { .object($0.json) })])
        }
    }

    // MARK: Rules

    func registerRules(on api: RouterGroup<BasicRequestContext>) {
        let services = self.services
        api.get("rules") { _, _ -> Response in
            JSONResponse.make(["rules": .array(services.rules.ruleDescriptions())])
        }
        api.post("rules/test") { request, _ -> Response in
            let object = try await JSONResponse.object(of: request, limit: services.maximumBodySize)
            return JSONResponse.make(try services.rules.test(object))
        }
    }

    // MARK: Shadows (AWS IoT's REST paths)

    func registerShadows(things: RouterGroup<BasicRequestContext>, awsThings: RouterGroup<BasicRequestContext>) {
        let services = self.services
        for (method, operation) in [
            (HTTPRequest.Method.get, ShadowHTTPOperation.get), (.post, .update), (.delete, .delete),
        ] {
            things.on(":thing/shadow", method: method) { request, context -> Response in
                let thing = try context.parameters.require("thing")
                let body =
                    operation == .update
                    ? try await JSONResponse.body(of: request, limit: services.maximumBodySize) : []
                let outcome = await services.shadows.handle(
                    thingName: thing, shadowName: request.uri.queryParameters.get("name"), operation: operation,
                    body: body)
                return JSONResponse.bytes(outcome.body, status: HTTPResponse.Status(code: outcome.status))
            }
        }
        for method in [HTTPRequest.Method.put, .patch] {
            things.on(":thing/shadow", method: method) { _, _ -> Response in
                let body: JSONValue = [
                    "code": 405, "message": "The method is not allowed for this resource",
                    "timestamp": .int(Int64(services.clock())),
                ]
                var response = JSONResponse.make(body, status: .methodNotAllowed)
                response.headers[.allow] = "GET, POST, DELETE"
                return response
            }
        }
        awsThings.get("shadow/ListNamedShadowsForThing/:thing") { _, context -> Response in
            let thing = try context.parameters.require("thing")
            let names = try await services.shadows.namedShadows(thingName: thing)
            return JSONResponse.make([
                "results": .array(names.map(JSONValue.string)), "timestamp": .int(Int64(services.clock())),
            ])
        }
    }
}

extension ErrorEvent {
    /// The event as JSON.
    public var json: JSONObject {
        [
            "id": .string(id), "device_id": .string(deviceID), "error_code": .string(errorCode),
            "timestamp": .double(timestamp), "received_at": .double(receivedAt), "source": .string(source.rawValue),
            "details": .object(details),
        ]
    }
}

/// Requires `Authorization: Bearer <token>` on the routes it guards — the configured API token, or
/// a signed-in operator's — and answers 401 otherwise.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String?
    let operators: OperatorSessions?
    let clock: @Sendable () -> Double

    /// The middleware for the configured credentials; `nil` when there are none (loopback only).
    init?(services: APIServices) {
        guard services.apiToken != nil || services.operators != nil else { return nil }
        token = services.apiToken
        operators = services.operators
        clock = services.clock
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), accepts(token: String(header.dropFirst(7))) else {
            throw APIError(.unauthorized, code: "unauthorized", "a valid 'Authorization: Bearer' token is required")
        }
        return try await next(request, context)
    }

    /// Whether `token` is a signed-in operator's or the API token (the latter compared in time
    /// that does not depend on where the first difference is).
    func accepts(token given: String) -> Bool {
        if let operators, operators.user(token: given, now: clock()) != nil { return true }
        guard let token else { return false }
        let expected = Array(token.utf8)
        let bytes = Array(given.utf8)
        var difference = UInt8(expected.count == bytes.count ? 0 : 1)
        for index in 0..<min(expected.count, bytes.count) { difference |= expected[index] ^ bytes[index] }
        return difference == 0
    }
}
