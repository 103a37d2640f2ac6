import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import OneCallBroker
import ServiceLifecycle

/// Where the HTTP server listens.
public struct HTTPConfiguration: Sendable, Equatable {
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one.
    public var port: Int

    /// Creates an HTTP configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// OneCall's HTTP surface: health, Prometheus metrics and the REST API.
public enum HTTPServer {
    /// Builds the HTTP service. `onStarted` receives the bound port.
    public static func makeService(
        configuration: HTTPConfiguration, services: APIServices, logger: Logger,
        onStarted: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let broker = services.broker
        let router = Router()
        APIRoutes(services: services).register(on: router)
        router.get("/healthz") { _, _ in
            "ok\n"
        }
        // The console is a static page; its API calls carry the token when one is required.
        for path in ["/", "/console"] {
            router.get(RouterPath(path)) { _, _ -> Response in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/html; charset=utf-8",
                        .contentSecurityPolicy:
                            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: ConsolePage.html)))
            }
        }
        let openAPI = router.group("openapi.json")
        if let middleware = BearerTokenMiddleware(services: services) { openAPI.add(middleware: middleware) }
        let routes = OpenAPIDocument.RouteList()
        openAPI.get { _, _ -> Response in
            JSONResponse.make(OpenAPIDocument.document(routes: routes.value, version: services.version))
        }
        // Beyond loopback only /healthz (and the static console page, which holds no data) is open.
        let metrics = router.group("metrics")
        let loopback =
            ["127.0.0.1", "::1", "localhost"].contains(configuration.host)
            || configuration.host.hasPrefix("127.")
        if !loopback, let middleware = BearerTokenMiddleware(services: services) { metrics.add(middleware: middleware) }
        metrics.get { _, _ -> Response in
            let text = PrometheusText.render(broker: broker, extra: services.metrics())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        routes.value = router.routes.map { (method: $0.method.rawValue, path: $0.path.description) }
        return Application(
            router: router,
            server: .http1WebSocketUpgrade { request, _, _ in
                guard ConsoleWebSocket.accepts(request, services: services) else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await ConsoleWebSocket.serve(inbound: inbound, outbound: outbound, services: services)
                }
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "onecall"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}

/// Renders the broker's statistics in the Prometheus text exposition format (version 0.0.4).
public enum PrometheusText {
    /// The metrics page.
    public static func render(broker: Broker, extra: [Metric] = []) -> String {
        var out = ""
        for (name, value) in broker.statistics.snapshot() {
            let metric = "onecall_mqtt_\(name.metricName)"
            out += "# TYPE \(metric) \(name.isGauge ? "gauge" : "counter")\n\(metric) \(value)\n"
        }
        for metric in extra {
            let name = "onecall_\(metric.name)"
            if !metric.help.isEmpty { out += "# HELP \(name) \(metric.help)\n" }
            let value =
                metric.value.rounded() == metric.value && abs(metric.value) < 1e15
                ? String(Int64(metric.value)) : String(metric.value)
            out += "# TYPE \(name) \(metric.isGauge ? "gauge" : "counter")\n\(name) \(value)\n"
        }
        return out
    }
}
