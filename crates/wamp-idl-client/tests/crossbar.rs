//! Interop with a real router: Crossbar.io 26.10.1 over RawSocket/TCP and
//! WebSocket.
//!
//! Starts `crossbar start` on a node directory written to a temp dir (a
//! RawSocket and a WebSocket transport on 127.0.0.1, realm `realm1`,
//! anonymous and ticket authentication, every action allowed), then on both
//! transports and for each of json, msgpack, cbor and ubjson: a callee and a
//! caller client register and call (args and kwargs with binary, integers up
//! to ±2^53, unicode, nesting), get a callee's error back as ERROR with its
//! URI and payload, publish and subscribe (`exclude_me: false`,
//! `acknowledge`, `disclose_me`), call the meta API (`wamp.session.count`/
//! `list`) directly and through the generated `IWampMetaClient`, and run the
//! generated calculator interface (`ICalculator` registered with
//! `register_all`, called and published through `ICalculatorClient`). Then:
//! a session killed through the meta API (its waiting call fails), answered
//! WebSocket pings, ticket authentication (right and wrong ticket), the
//! refusal of FlatBuffers and of an unknown realm, and an autobahn-python
//! client calling a procedure our client registered.
//!
//! Needs Crossbar: `source scripts/peers.sh && install_crossbar` (sets
//! `CROSSBAR`); the venv it installs into is also found without the variable.
//! The router is stopped when the test ends, also when an assertion fails.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener, TcpStream as StdTcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use wamp_idl_client::rawsocket::RawSocketError;
use wamp_idl_client::{Client, ClientConfig, ConnectError};
use wamp_idl_runtime::message::keys::PublishOptions;
use wamp_idl_runtime::serializer::flatbuffers::FlatBuffersCodec;
use wamp_idl_runtime::serializer::UbjsonDialect;
use wamp_idl_runtime::session::{CallError, EventHandler, InvocationHandler, Session};
use wamp_idl_runtime::{Dict, Payload, Serializer, Value};

mod meta {
    wamp_idl_runtime::wamp_interface!("../../schemas/wamp-meta.fbs");
}

mod calc {
    wamp_idl_runtime::wamp_interface!("../../tests/schemas/calc.fbs", include = ["../../schemas"]);
}

use calc::calc::{
    ComputeRequest, ComputeResult, Greet, Greeting, ICalculator, ICalculatorClient, Op, Tick,
};
use meta::wamp::IWampMetaClient;

const REALM: &str = "realm1";
const TICKET_AUTHID: &str = "joe";
const TICKET: &str = "secret!!!";

/// A running Crossbar node; dropping it stops the node and removes its directory.
struct Crossbar {
    child: Child,
    dir: PathBuf,
    /// The RawSocket transport's port.
    port: u16,
    /// The WebSocket transport's port.
    #[cfg_attr(not(feature = "websocket"), allow(dead_code))]
    ws_port: u16,
}

impl Drop for Crossbar {
    fn drop(&mut self) {
        // SIGTERM lets the controller stop its router worker; SIGKILL if it lingers.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Crossbar {
    fn log(&self) -> String {
        let mut log = String::new();
        if let Ok(mut file) = std::fs::File::open(self.dir.join("crossbar.log")) {
            let _ = file.read_to_string(&mut log);
        }
        log
    }

    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    #[cfg(feature = "websocket")]
    fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.ws_port)
    }
}

/// The `crossbar` executable: `$CROSSBAR`, else the venv `install_crossbar` fills.
fn crossbar_executable() -> PathBuf {
    let help = "Crossbar.io is not installed: run `source scripts/peers.sh && install_crossbar` \
                in the workspace root (it installs crossbar 26.10.1 into \
                target/peers/autobahn-venv and exports CROSSBAR)";
    if let Some(path) = std::env::var_os("CROSSBAR") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "CROSSBAR={} does not exist. {help}",
            path.display()
        );
        return path;
    }
    let path = workspace_root().join("target/peers/autobahn-venv/bin/crossbar");
    assert!(path.is_file(), "{help}");
    path
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free local port");
    listener.local_addr().expect("its address").port()
}

fn node_config(port: u16, ws_port: u16) -> serde_json::Value {
    let everything = serde_json::json!([{
        "uri": "",
        "match": "prefix",
        "allow": {"call": true, "register": true, "publish": true, "subscribe": true},
        "disclose": {"caller": true, "publisher": true},
        "cache": true
    }]);
    let auth = serde_json::json!({
        "anonymous": {"type": "static", "role": "anonymous"},
        "ticket": {
            "type": "static",
            "principals": {
                TICKET_AUTHID: {"ticket": TICKET, "role": "authenticated"}
            }
        }
    });
    serde_json::json!({
        "version": 2,
        "controller": {},
        "workers": [{
            "type": "router",
            "realms": [{
                "name": REALM,
                "roles": [
                    {"name": "anonymous", "permissions": everything},
                    {"name": "authenticated", "permissions": everything}
                ]
            }],
            "transports": [
                {
                    "type": "rawsocket",
                    "endpoint": {"type": "tcp", "port": port, "interface": "127.0.0.1"},
                    "serializers": ["json", "msgpack", "cbor", "ubjson"],
                    "auth": auth
                },
                {
                    "type": "websocket",
                    "endpoint": {"type": "tcp", "port": ws_port, "interface": "127.0.0.1"},
                    "serializers": ["json", "msgpack", "cbor", "ubjson"],
                    "auth": auth,
                    // Crossbar pings every second (its minimum) and drops a client that does not answer in 1 s.
                    "options": {"auto_ping_interval": 1000, "auto_ping_timeout": 1000}
                }
            ]
        }]
    })
}

/// Starts Crossbar and waits until its RawSocket port accepts connections.
fn start_crossbar() -> Crossbar {
    let executable = crossbar_executable();
    let port = free_port();
    let ws_port = free_port();
    let dir = std::env::temp_dir().join(format!(
        "wamp-idl-client-crossbar-{}-{port}",
        std::process::id()
    ));
    let cbdir = dir.join(".crossbar");
    std::fs::create_dir_all(&cbdir).expect("a node directory");
    std::fs::write(
        cbdir.join("config.json"),
        serde_json::to_vec_pretty(&node_config(port, ws_port)).expect("the node config as JSON"),
    )
    .expect("the node config written");
    let log = std::fs::File::create(dir.join("crossbar.log")).expect("a log file");
    let child = Command::new(&executable)
        .arg("start")
        .arg("--cbdir")
        .arg(&cbdir)
        // A safety net: a node this test failed to stop ends itself.
        .args(["--shutdownafter", "600", "--loglevel", "info"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("the log file"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", executable.display()));
    let mut node = Crossbar {
        child,
        dir,
        port,
        ws_port,
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(Some(status)) = node.child.try_wait() {
            panic!(
                "crossbar exited with {status} before listening:\n{}",
                node.log()
            );
        }
        let listening = |port| StdTcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok();
        if listening(port) && listening(ws_port) {
            return node;
        }
        assert!(
            Instant::now() < deadline,
            "crossbar did not listen on ports {port} and {ws_port} within 90 s:\n{}",
            node.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

const SERIALIZERS: [Serializer; 4] = [
    Serializer::Json,
    Serializer::MsgPack,
    Serializer::Cbor,
    Serializer::Ubjson(UbjsonDialect::BjData),
];

/// How a test client reaches Crossbar.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Transport {
    RawSocket,
    #[cfg(feature = "websocket")]
    WebSocket,
}

#[cfg(feature = "websocket")]
const TRANSPORTS: &[Transport] = &[Transport::RawSocket, Transport::WebSocket];
#[cfg(not(feature = "websocket"))]
const TRANSPORTS: &[Transport] = &[Transport::RawSocket];

async fn connect(node: &Crossbar, transport: Transport, serializer: Serializer) -> Client {
    let config = ClientConfig::new(REALM)
        .serializer(serializer)
        .timeout(Duration::from_secs(20));
    let client = match transport {
        Transport::RawSocket => Client::connect(&node.address(), config).await,
        #[cfg(feature = "websocket")]
        Transport::WebSocket => Client::connect_websocket(&node.ws_url(), config).await,
    };
    client.unwrap_or_else(|e| {
        panic!(
            "{} over {transport:?}: could not join: {e}\n{}",
            serializer.id(),
            node.log()
        )
    })
}

/// Args with the values that break naive serializers.
fn tricky_args() -> Vec<Value> {
    let mut nested = Dict::new();
    nested.insert(
        "list",
        Value::List(vec![Value::from(1u64), Value::Null, Value::from(true)]),
    );
    nested.insert("bytes", Value::Bytes(vec![0, 1, 254, 255]));
    let mut inner = Dict::new();
    inner.insert("deep", Value::from("ü"));
    nested.insert("dict", inner);
    vec![
        Value::Bytes(vec![0, 0x7f, 0x80, 0xff, b'\n']),
        Value::UInt(1 << 53),
        Value::Int(-(1 << 53)),
        Value::UInt(u64::from(u32::MAX) + 1),
        Value::from("Grüße, 世界 🎉 \u{0}\"\\"),
        Value::Float(1.5),
        Value::Dict(nested),
        Value::List(Vec::new()),
    ]
}

fn tricky_kwargs() -> Dict {
    let mut kwargs = Dict::new();
    kwargs.insert("name", "Zoë");
    kwargs.insert("max", Value::UInt(1 << 53));
    kwargs.insert("blob", Value::Bytes(vec![9; 300]));
    kwargs.insert("empty", Dict::new());
    kwargs
}

/// Every serializer: RPC with tricky payloads, a callee error, pub/sub, meta API, typed API.
async fn exercise(node: &Crossbar, transport: Transport, serializer: Serializer) {
    let name = &format!(
        "{}_{}",
        serializer.id(),
        format!("{transport:?}").to_lowercase()
    );
    let callee = connect(node, transport, serializer).await;
    let caller = connect(node, transport, serializer).await;
    assert_ne!(callee.session_id(), caller.session_id());
    assert_eq!(callee.welcome_details().authrole(), Some("anonymous"));
    let roles = callee.welcome_details().roles().expect("WELCOME has roles");
    assert!(roles.contains_key("dealer") && roles.contains_key("broker"));

    // RPC: the callee echoes what it gets; a first argument "fail" makes it fail.
    let echo: InvocationHandler = Arc::new(|invocation| {
        Box::pin(async move {
            let args = invocation
                .payload
                .args_list()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            let kwargs = invocation
                .payload
                .kwargs_dict()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            if args
                .as_ref()
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                == Some("fail")
            {
                let mut details = Dict::new();
                details.insert("field", "args[0]");
                details.insert("limit", Value::UInt(1 << 53));
                return Err(CallError::with_payload(
                    "com.example.error.bad_input",
                    Payload::from_args_kwargs(
                        vec![Value::from("bad input"), Value::from(42u64)],
                        details,
                    ),
                ));
            }
            Ok(Payload::from_args_kwargs(
                args.unwrap_or_default(),
                kwargs.unwrap_or_default(),
            ))
        })
    });
    let procedure = format!("com.example.{name}.echo");
    let registration = callee
        .register(&procedure, Default::default(), echo)
        .await
        .unwrap_or_else(|e| panic!("{name}: register: {e}"));

    let payload = Payload::from_args_kwargs(tricky_args(), tricky_kwargs());
    let result = caller
        .call(&procedure, Default::default(), payload)
        .await
        .unwrap_or_else(|e| panic!("{name}: call: {e}"));
    assert_eq!(
        result.payload.args_list().unwrap(),
        Some(tricky_args()),
        "{name}: args"
    );
    assert_eq!(
        result.payload.kwargs_dict().unwrap(),
        Some(tricky_kwargs()),
        "{name}: kwargs"
    );

    let error = caller
        .call(
            &procedure,
            Default::default(),
            Payload::from_args(vec![Value::from("fail")]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.uri(),
        "com.example.error.bad_input",
        "{name}: {error}"
    );
    assert_eq!(
        error.payload().args_list().unwrap(),
        Some(vec![Value::from("bad input"), Value::from(42u64)])
    );
    let details = error.payload().kwargs_dict().unwrap().unwrap();
    assert_eq!(details.get("limit"), Some(&Value::UInt(1 << 53)));

    let missing = caller
        .call(
            &format!("com.example.{name}.missing"),
            Default::default(),
            Payload::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        missing.uri(),
        CallError::NO_SUCH_PROCEDURE,
        "{name}: {missing}"
    );

    // Pub/sub: both subscribe; the caller publishes with exclude_me: false and acknowledge.
    let topic = format!("com.example.{name}.topic");
    let (tx, mut rx) = mpsc::unbounded_channel();
    for (who, client) in [("callee", &callee), ("caller", &caller)] {
        let tx = tx.clone();
        let handler: EventHandler = Arc::new(move |event| {
            let _ = tx.send((
                who,
                event.payload.args_list().ok().flatten(),
                event.details.publisher(),
            ));
        });
        client
            .subscribe(&topic, Default::default(), handler)
            .await
            .unwrap_or_else(|e| panic!("{name}: subscribe: {e}"));
    }
    let mut options = PublishOptions::new();
    options.set_exclude_me(false);
    options.set_acknowledge(true);
    options.set_disclose_me(true);
    let publication = caller
        .publish(&topic, options, Payload::from_args(tricky_args()))
        .await
        .unwrap_or_else(|e| panic!("{name}: publish: {e}"));
    assert!(
        publication.is_some(),
        "{name}: acknowledged publish returns the id"
    );
    let mut got = Vec::new();
    for _ in 0..2 {
        let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{name}: events did not arrive; got {got:?}"))
            .expect("the channel is open");
        assert_eq!(event.1, Some(tricky_args()), "{name}: event args");
        assert_eq!(
            event.2,
            Some(caller.session_id()),
            "{name}: disclosed publisher"
        );
        got.push(event.0);
    }
    got.sort_unstable();
    assert_eq!(
        got,
        ["callee", "caller"],
        "{name}: both subscribers, the publisher included"
    );

    // The meta API, raw and through the generated IWampMetaClient.
    let count = caller
        .call("wamp.session.count", Default::default(), Payload::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: wamp.session.count: {e}"));
    let (count,): (u64,) = count.payload.args().unwrap().deserialize().unwrap();
    assert!(count >= 2, "{name}: session count {count}");
    let meta = IWampMetaClient::new(caller.clone());
    let typed_count = meta
        .session_count(&Default::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: typed session_count: {e}"));
    assert_eq!(typed_count.count, count, "{name}");
    let ids = meta
        .session_list(&Default::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: typed session_list: {e}"))
        .session_ids
        .unwrap_or_default();
    assert!(
        ids.contains(&callee.session_id()) && ids.contains(&caller.session_id()),
        "{name}: session list {ids:?} lacks ours"
    );

    // The generated calculator interface: callee glue and typed client.
    let registrations = Arc::new(Calculator)
        .register_all(&callee)
        .await
        .unwrap_or_else(|e| panic!("{name}: register_all: {e}"));
    assert_eq!(registrations.len(), 2);
    let calculator = ICalculatorClient::new(caller.clone());
    let product = calculator
        .compute(&ComputeRequest {
            a: 6,
            b: 7,
            op: Op::MUL,
            origin: None,
            precision: 3,
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: typed compute: {e}"));
    assert_eq!(product.value, 42);
    assert_eq!(product.expression.as_deref(), Some("6 * 7 (p=3)"));
    let greeting = calculator
        .greet(&Greet {
            name: "Zoë".into(),
            greeting: None,
        })
        .await
        .unwrap();
    assert_eq!(greeting.text.as_deref(), Some("Hello, Zoë!"));
    let error = calculator
        .compute(&ComputeRequest {
            a: 1,
            b: 0,
            op: Op::DIV,
            origin: None,
            precision: 2,
        })
        .await
        .unwrap_err();
    assert_eq!(error.uri(), "calc.error.division_by_zero");
    assert_eq!(error.message().as_deref(), Some("cannot divide 1 by zero"));

    let (tick_tx, mut ticks) = mpsc::unbounded_channel();
    ICalculatorClient::new(callee.clone())
        .subscribe_on_tick(move |tick: Tick| {
            let _ = tick_tx.send(tick);
        })
        .await
        .unwrap();
    let tick = Tick {
        seq: 1 << 53,
        source: Some("com.example.source".into()),
        tags: Some(vec!["ä".into(), "b".into()]),
    };
    let mut options = PublishOptions::new();
    options.set_acknowledge(true);
    calculator.publish_on_tick(&tick, options).await.unwrap();
    let received = tokio::time::timeout(Duration::from_secs(10), ticks.recv())
        .await
        .unwrap_or_else(|_| panic!("{name}: the typed event did not arrive"));
    assert_eq!(received, Some(tick));

    callee.unregister(registration).await.unwrap();
    let gone = caller
        .call(&procedure, Default::default(), Payload::default())
        .await
        .unwrap_err();
    assert_eq!(gone.uri(), CallError::NO_SUCH_PROCEDURE);
    caller.leave().await.unwrap();
    callee.leave().await.unwrap();
    assert!(!caller.is_joined());
}

struct Calculator;

impl ICalculator for Calculator {
    async fn compute(&self, request: ComputeRequest) -> Result<ComputeResult, CallError> {
        let (a, b) = (i64::from(request.a), i64::from(request.b));
        let (value, symbol) = match request.op {
            Op::ADD => (a + b, "+"),
            Op::SUB => (a - b, "-"),
            Op::MUL => (a * b, "*"),
            Op::DIV if b == 0 => {
                return Err(CallError::with_message(
                    "calc.error.division_by_zero",
                    format!("cannot divide {a} by zero"),
                ))
            }
            Op::DIV => (a / b, "/"),
            other => return Err(CallError::invalid_argument(format!("unknown op {other:?}"))),
        };
        Ok(ComputeResult {
            value,
            expression: Some(format!("{a} {symbol} {b} (p={})", request.precision)),
        })
    }

    async fn greet(&self, request: Greet) -> Result<Greeting, CallError> {
        let greeting = request.greeting.unwrap_or_else(|| "Hello".to_owned());
        Ok(Greeting {
            text: Some(format!("{greeting}, {}!", request.name)),
        })
    }
}

/// The router kills a session through the meta API (called with the
/// generated client): the killed client's waiting call fails, its session
/// ends with the router's reason, and it answered with GOODBYE.
async fn router_kills_a_session(node: &Crossbar, transport: Transport) {
    let admin = connect(node, transport, Serializer::Cbor).await;
    let victim = connect(node, transport, Serializer::Json).await;
    let never: InvocationHandler = Arc::new(|_| Box::pin(std::future::pending()));
    admin
        .register("com.example.never", Default::default(), never)
        .await
        .unwrap();
    let waiting = victim.call("com.example.never", Default::default(), Payload::default());
    // Let the CALL reach the callee before the kill.
    tokio::time::sleep(Duration::from_millis(200)).await;
    IWampMetaClient::new(admin.clone())
        .session_kill(&meta::wamp::SessionKill {
            session: victim.session_id(),
            reason: Some("wamp.close.killed".into()),
            message: Some("killed by the test".into()),
        })
        .await
        .unwrap_or_else(|e| panic!("{transport:?}: wamp.session.kill: {e}"));
    let error = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting call ends")
        .unwrap_err();
    assert_eq!(error.uri(), CallError::CANCELED, "{error}");
    assert!(error.to_string().contains("wamp.close.killed"), "{error}");
    assert_eq!(victim.closed().await, error);
    assert!(!victim.is_joined());
    admin.leave().await.unwrap();
}

/// Crossbar's WebSocket pings (every second, 1 s timeout) are answered.
#[cfg(feature = "websocket")]
async fn websocket_pings_are_answered(node: &Crossbar) {
    let client = connect(node, Transport::WebSocket, Serializer::MsgPack).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(client.is_joined(), "the router dropped the session");
    client
        .call("wamp.session.count", Default::default(), Payload::default())
        .await
        .unwrap_or_else(|e| panic!("after 3.5 s of pings: {e}"));
    client.leave().await.unwrap();
}

async fn ticket_authentication(node: &Crossbar) {
    let config = ClientConfig::new(REALM)
        .serializer(Serializer::Cbor)
        .ticket(TICKET_AUTHID, TICKET);
    let client = Client::connect(&node.address(), config)
        .await
        .unwrap_or_else(|e| panic!("ticket: {e}"));
    assert_eq!(client.welcome_details().authid(), Some(TICKET_AUTHID));
    assert_eq!(client.welcome_details().authrole(), Some("authenticated"));
    assert_eq!(client.welcome_details().authmethod(), Some("ticket"));
    client.leave().await.unwrap();

    let config = ClientConfig::new(REALM)
        .serializer(Serializer::Json)
        .ticket(TICKET_AUTHID, "wrong");
    let error = Client::connect(&node.address(), config).await.unwrap_err();
    let ConnectError::Aborted(abort) = &error else {
        panic!("a wrong ticket: expected ABORT, got {error:?}")
    };
    // Crossbar denies a wrong static ticket with `wamp.error.not_authorized`.
    assert_eq!(abort.uri(), "wamp.error.not_authorized", "{error}");
    assert!(
        error.to_string().contains("ticket"),
        "the message says what failed: {error}"
    );
}

async fn unsupported_serializer_is_refused(node: &Crossbar) {
    let config = ClientConfig::new(REALM).flatbuffers(FlatBuffersCodec::new());
    let error = Client::connect(&node.address(), config).await.unwrap_err();
    assert!(
        matches!(
            error,
            ConnectError::RawSocket(
                RawSocketError::RefusedByReset { serializer: 5, .. } | RawSocketError::Refused(_)
            )
        ),
        "flatbuffers: {error:?}"
    );

    let config = ClientConfig::new("no.such.realm");
    let error = Client::connect(&node.address(), config).await.unwrap_err();
    let ConnectError::Aborted(abort) = &error else {
        panic!("an unknown realm: expected ABORT, got {error:?}")
    };
    assert_eq!(abort.uri(), "wamp.error.no_such_realm", "{error}");
}

const AUTOBAHN_CALLER: &str = r#"
import asyncio, json, sys
from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp.serializer import CBORSerializer

port, procedure = sys.argv[1], sys.argv[2]
outcome = {}

class Caller(ApplicationSession):
    async def onJoin(self, details):
        try:
            result = await self.call(procedure, 20, 22, who="autobahn", blob=b"\x00\xff")
            outcome["args"] = result.results
            outcome["kwargs"] = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in result.kwresults.items()}
        except Exception as e:
            outcome["error"] = repr(e)
        self.leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()

ApplicationRunner(f"rs://127.0.0.1:{port}", "realm1", serializers=[CBORSerializer()]).run(Caller)
print("OUTCOME " + json.dumps(outcome))
"#;

/// autobahn-python (from the same venv) calls a procedure our client registered.
async fn autobahn_calls_our_callee(node: &Crossbar) {
    let python = crossbar_executable().with_file_name("python");
    let callee = connect(node, Transport::RawSocket, Serializer::MsgPack).await;
    let add: InvocationHandler = Arc::new(|invocation| {
        Box::pin(async move {
            let (a, b): (i64, i64) = invocation
                .payload
                .args()
                .ok_or_else(|| CallError::invalid_argument("expected two integers"))?
                .deserialize()
                .map_err(|e| CallError::invalid_argument(e.to_string()))?;
            let kwargs = invocation
                .payload
                .kwargs_dict()
                .ok()
                .flatten()
                .unwrap_or_default();
            let mut out = Dict::new();
            out.insert("who", kwargs.get("who").cloned().unwrap_or_default());
            out.insert("blob", kwargs.get("blob").cloned().unwrap_or_default());
            Ok(Payload::from_args_kwargs(vec![Value::from(a + b)], out))
        })
    });
    callee
        .register("com.example.rust.add", Default::default(), add)
        .await
        .unwrap();
    let script = node.dir.join("autobahn_caller.py");
    std::fs::write(&script, AUTOBAHN_CALLER).unwrap();
    let mut command = Command::new(&python);
    command
        .arg(&script)
        .arg(node.port.to_string())
        .arg("com.example.rust.add");
    let output = output_within_a_minute(command, &node.dir).await;
    let outcome = output
        .lines()
        .find_map(|line| line.strip_prefix("OUTCOME "))
        .unwrap_or_else(|| panic!("autobahn printed no outcome:\n{output}"));
    let outcome: serde_json::Value = serde_json::from_str(outcome).unwrap();
    assert_eq!(
        outcome,
        serde_json::json!({"args": [42], "kwargs": {"who": "autobahn", "blob": "00ff"}}),
        "{output}"
    );
    callee.leave().await.unwrap();
}

/// Runs a command with a 60 s limit (on a blocking thread); returns its
/// stdout and stderr (through files, so a chatty child cannot block on a pipe).
async fn output_within_a_minute(mut command: Command, dir: &Path) -> String {
    let out_path = dir.join("autobahn.out");
    let out = std::fs::File::create(&out_path).expect("an output file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("the output file"))
        .stderr(out)
        .spawn()
        .expect("autobahn's python starts");
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    })
    .await
    .expect("the waiting thread");
    std::fs::read_to_string(&out_path).unwrap_or_default()
}

#[test]
fn crossbar_interop() {
    let node = start_crossbar();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        for &transport in TRANSPORTS {
            for serializer in SERIALIZERS {
                exercise(&node, transport, serializer).await;
            }
        }
        for &transport in TRANSPORTS {
            router_kills_a_session(&node, transport).await;
        }
        #[cfg(feature = "websocket")]
        websocket_pings_are_answered(&node).await;
        ticket_authentication(&node).await;
        unsupported_serializer_is_refused(&node).await;
        autobahn_calls_our_callee(&node).await;
    });
}
