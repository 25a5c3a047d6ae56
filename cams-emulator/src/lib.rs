//! A local stand-in for Alibaba Cloud's Chat App Message Service (CAMS), API `2020-06-06`.
//!
//! It checks requests as strictly as the real gateway (V1 and V3 signatures, STS tokens, the
//! 15-minute timestamp window, nonce replay, parameters against the API spec), keeps instances
//! in memory, answers the five instance operations with the published response shapes, and can
//! inject faults (throttling, 5xx, delays, resets, bad bodies) so a client's error handling can
//! be tested offline.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cams_emulator::{Emulator, Fault};
//! let emulator = Emulator::builder()
//!     .access_key("LTAI5tTestKey", "test-secret")
//!     .fault("CreateInstance", Fault::Throttle { times: 1, retry_after: None })
//!     .start()
//!     .await?;
//! println!("CAMS at {}", emulator.base_url());
//! assert!(emulator.requests().is_empty());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod gateway;
mod spec;
mod store;

pub use spec::SPEC_JSON;
pub use store::Instance;

use bytes::Bytes;
use gateway::{Authenticated, Key, NonceCache, Received, Rejection, find_header, reject};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use store::{Outcome, Store};
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The access key a builder accepts when none is given.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tEmulatorAccessKey";
/// The secret of [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "emulator-secret-do-not-use-in-production";
/// The largest request body accepted.
const MAX_BODY: usize = 1 << 20;

/// A fault to inject into the next calls of an action (after the signature is checked).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Reject the next `times` calls with HTTP 400 `Throttling.User`, with an
    /// `x-acs-retry-after` header (milliseconds) when `retry_after` is set. Nothing is processed.
    Throttle {
        /// How many calls.
        times: u32,
        /// The `x-acs-retry-after` to send.
        retry_after: Option<Duration>,
    },
    /// Answer the next `times` calls with this status (500, 502, 503 or 504) and Alibaba's
    /// error body, without processing them.
    Status {
        /// How many calls.
        times: u32,
        /// The HTTP status.
        status: u16,
    },
    /// Wait `delay` before processing the next `times` calls (to exceed a client's timeout).
    Delay {
        /// How many calls.
        times: u32,
        /// How long to wait.
        delay: Duration,
    },
    /// Close the connection without answering the next `times` calls, without processing them.
    Reset {
        /// How many calls.
        times: u32,
    },
    /// Answer the next `times` calls with HTTP 200 and a body that is not JSON.
    Malformed {
        /// How many calls.
        times: u32,
    },
    /// Answer the next `times` calls with HTTP 200 and JSON cut off half-way.
    Truncated {
        /// How many calls.
        times: u32,
    },
    /// Process the next `times` calls (a CreateInstance creates its instance), then close the
    /// connection without answering: the client cannot know the call succeeded.
    ProcessThenDrop {
        /// How many calls.
        times: u32,
    },
}

impl Fault {
    fn times(&self) -> u32 {
        match self {
            Self::Throttle { times, .. }
            | Self::Status { times, .. }
            | Self::Delay { times, .. }
            | Self::Reset { times }
            | Self::Malformed { times }
            | Self::Truncated { times }
            | Self::ProcessThenDrop { times } => *times,
        }
    }
}

/// One request the emulator received, and what it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// Its position in the log.
    index: Option<usize>,
    /// The action, when the request named one.
    pub action: Option<String>,
    /// `v1` or `v3`, once the signature was checked.
    pub signature_version: Option<&'static str>,
    /// The signature nonce, once the signature was checked.
    pub nonce: Option<String>,
    /// `x-acs-retry-attempts`, when the client sent it.
    pub retry_attempt: Option<u32>,
    /// The `user-agent` header.
    pub user_agent: Option<String>,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The `Code` answered.
    pub code: Option<String>,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
}

/// The emulator's clock: a function returning the current time.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// Configures and starts an [`Emulator`].
pub struct EmulatorBuilder {
    keys: HashMap<String, Key>,
    clock: Clock,
    seed: u64,
    faults: Vec<(String, Fault)>,
    listen: SocketAddr,
    region: String,
    nonce_capacity: usize,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("EmulatorBuilder")
            .field("access_key_ids", &ids)
            .field("seed", &self.seed)
            .field("faults", &self.faults)
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            keys: HashMap::new(),
            clock: Arc::new(OffsetDateTime::now_utc),
            seed: 0x00c4_4d5e,
            faults: Vec::new(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            region: "ap-southeast-1".to_owned(),
            nonce_capacity: 100_000,
        }
    }
}

impl EmulatorBuilder {
    /// Accepts this long-term access key. Without any key, the builder accepts
    /// [`DEFAULT_ACCESS_KEY_ID`] / [`DEFAULT_ACCESS_KEY_SECRET`].
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.keys.insert(
            id.into(),
            Key {
                secret: secret.into(),
                token: None,
            },
        );
        self
    }

    /// Accepts this STS key, only together with `token`.
    pub fn sts_key(
        mut self,
        id: impl Into<String>,
        secret: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.keys.insert(
            id.into(),
            Key {
                secret: secret.into(),
                token: Some(token.into()),
            },
        );
        self
    }

    /// Uses this clock for timestamps checks and `SubmitTime`.
    pub fn clock(mut self, clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Seeds the instance ids (the same seed gives the same ids in the same order).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Injects `fault` into the next calls of `action`. Faults of one action apply in order.
    pub fn fault(mut self, action: impl Into<String>, fault: Fault) -> Self {
        self.faults.push((action.into(), fault));
        self
    }

    /// Listens on `address` instead of `127.0.0.1:0` (an ephemeral port).
    pub fn listen(mut self, address: SocketAddr) -> Self {
        self.listen = address;
        self
    }

    /// The most nonces remembered (default 100 000); older ones are forgotten first.
    pub fn nonce_capacity(mut self, capacity: usize) -> Self {
        self.nonce_capacity = capacity;
        self
    }

    /// Binds and starts serving in the background.
    pub async fn start(mut self) -> Result<Emulator, StartError> {
        let spec = spec::Spec::parse(SPEC_JSON).map_err(StartError::Spec)?;
        if self.keys.is_empty() {
            self = self.access_key(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET);
        }
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|e| StartError::Bind(self.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Bind(self.listen, e))?;
        let mut faults: HashMap<String, VecDeque<(Fault, u32)>> = HashMap::new();
        for (action, fault) in self.faults {
            let times = fault.times();
            faults.entry(action).or_default().push_back((fault, times));
        }
        let shared = Arc::new(Shared {
            spec,
            keys: self.keys,
            clock: self.clock,
            region: self.region,
            state: Mutex::new(State {
                store: Store::default(),
                nonces: NonceCache::new(self.nonce_capacity),
                faults,
                log: Vec::new(),
                next_id: self.seed,
                requests: 0,
            }),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, shared.clone(), stopped));
        Ok(Emulator {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }
}

/// Why the emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The listening address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The embedded API spec is malformed.
    Spec(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            Self::Spec(e) => write!(f, "the embedded API spec is malformed: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(_, e) => Some(e),
            Self::Spec(_) => None,
        }
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder with the defaults: the default access key, the system clock, `127.0.0.1:0`.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the endpoint to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// The instances it holds, in creation order.
    pub fn instances(&self) -> Vec<Instance> {
        self.shared.lock().store.instances()
    }

    /// Injects `fault` into the next calls of `action`, after any already queued.
    pub fn inject(&self, action: impl Into<String>, fault: Fault) {
        let times = fault.times();
        self.shared
            .lock()
            .faults
            .entry(action.into())
            .or_default()
            .push_back((fault, times));
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Shared {
    spec: spec::Spec,
    keys: HashMap<String, Key>,
    clock: Clock,
    region: String,
    state: Mutex<State>,
}

struct State {
    store: Store,
    nonces: NonceCache,
    faults: HashMap<String, VecDeque<(Fault, u32)>>,
    log: Vec<RequestRecord>,
    next_id: u64,
    requests: u64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    /// Logs `record`, or updates its earlier entry.
    fn save(&mut self, record: &mut RequestRecord) {
        match record.index.and_then(|i| self.log.get_mut(i)) {
            Some(entry) => *entry = record.clone(),
            None => {
                record.index = Some(self.log.len());
                self.log.push(record.clone());
            }
        }
    }

    fn take_fault(&mut self, action: &str) -> Option<Fault> {
        let queue = self.faults.get_mut(action)?;
        let (fault, left) = queue.front_mut()?;
        let fault = fault.clone();
        *left = left.saturating_sub(1);
        if *left == 0 {
            queue.pop_front();
        }
        Some(fault)
    }

    fn new_request_id(&mut self) -> String {
        self.requests += 1;
        format!("EMU-{:08X}-{:04X}", self.requests, self.next_id & 0xffff)
    }
}

/// `ins-` and 16 hex digits, from the seed and a counter (SplitMix64: distinct for 2^64 calls).
fn new_instance_id(state: &mut u64) -> String {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("ins-{:016x}", z ^ (z >> 31))
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let shared = shared.clone();
                        async move { handle(shared, request).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// The connection is closed without an answer.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Answer {
    let (parts, body) = request.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut record = RequestRecord {
        index: None,
        action: None,
        signature_version: None,
        nonce: None,
        retry_attempt: find_header(&headers, "x-acs-retry-attempts").and_then(|v| v.parse().ok()),
        user_agent: find_header(&headers, "user-agent").map(str::to_owned),
        status: None,
        code: None,
        fault: None,
    };
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let rejection = reject(
                413,
                "InvalidParameter.BodyTooLarge",
                format!("The request body is larger than {MAX_BODY} bytes or was cut off."),
            );
            return Ok(error_response(&shared, &mut record, &rejection, None));
        }
    };
    let query = parse_pairs(parts.uri.query().unwrap_or_default());
    let is_form = find_header(&headers, "content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form {
        parse_pairs(&String::from_utf8_lossy(&body))
    } else {
        Vec::new()
    };
    let received = Received {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: &query,
        form: &form,
        headers: &headers,
        body: &body,
    };
    record.action = received
        .header("x-acs-action")
        .or_else(|| received.param("Action"))
        .map(str::to_owned);
    // Logged now, and updated as it goes: a client that gives up still leaves its trace.
    shared.lock().save(&mut record);

    let now = (shared.clock)();
    let authenticated = {
        let mut state = shared.lock();
        gateway::authenticate(&received, &shared.keys, &mut state.nonces, now)
    };
    let auth = match authenticated {
        Ok(auth) => auth,
        Err(rejection) => return Ok(error_response(&shared, &mut record, &rejection, None)),
    };
    record.signature_version = Some(auth.version);
    record.nonce = Some(auth.nonce.clone());
    if let Err(rejection) = check_action(&shared, &auth) {
        return Ok(error_response(&shared, &mut record, &rejection, None));
    }

    let fault = {
        let mut state = shared.lock();
        let fault = state.take_fault(&auth.action);
        record.fault = fault.clone();
        state.save(&mut record);
        fault
    };
    match &fault {
        Some(Fault::Throttle { retry_after, .. }) => {
            let rejection = reject(
                400,
                "Throttling.User",
                "Request was denied due to user flow control.".to_owned(),
            );
            return Ok(error_response(
                &shared,
                &mut record,
                &rejection,
                *retry_after,
            ));
        }
        Some(Fault::Status { status, .. }) => {
            let (code, message) = match status {
                503 => (
                    "ServiceUnavailable",
                    "The request has failed due to a temporary failure of the server.",
                ),
                _ => (
                    "InternalError",
                    "The request processing has failed due to some unknown error.",
                ),
            };
            let rejection = reject(*status, code, message.to_owned());
            return Ok(error_response(&shared, &mut record, &rejection, None));
        }
        Some(Fault::Reset { .. }) => return Err(Dropped),
        Some(Fault::Delay { delay, .. }) => tokio::time::sleep(*delay).await,
        _ => {}
    }

    let params: HashMap<String, String> = query
        .iter()
        .chain(form.iter())
        .filter(|(k, _)| !COMMON_PARAMETERS.contains(&k.as_str()))
        .cloned()
        .collect();
    let rules = shared
        .spec
        .actions
        .get(&auth.action)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if let Err((code, message)) = spec::validate(rules, &params) {
        let rejection = reject(400, code, message);
        return Ok(error_response(&shared, &mut record, &rejection, None));
    }

    let submit_time = submit_time(now);
    let (request_id, outcome) = {
        let mut guard = shared.lock();
        let request_id = guard.new_request_id();
        let State { store, next_id, .. } = &mut *guard;
        let outcome = store.run(
            &auth.action,
            &params,
            || new_instance_id(next_id),
            &submit_time,
            &shared.region,
        );
        (request_id, outcome)
    };
    let (code, body) = match outcome {
        Outcome::Ok(mut fields) => {
            fields.insert("RequestId".to_owned(), json!(request_id));
            fields.insert("Code".to_owned(), json!("OK"));
            fields.insert("Message".to_owned(), json!("OK"));
            fields.insert("Success".to_owned(), json!(true));
            fields.insert("AccessDeniedDetail".to_owned(), json!(""));
            ("OK".to_owned(), Value::Object(fields))
        }
        Outcome::Business { code, message } => (
            code.to_owned(),
            json!({
                "RequestId": request_id,
                "Code": code,
                "Message": message,
                "Success": false,
                "AccessDeniedDetail": "",
            }),
        ),
    };
    record.code = Some(code);
    match fault {
        Some(Fault::ProcessThenDrop { .. }) => {
            shared.lock().save(&mut record);
            Err(Dropped)
        }
        Some(Fault::Malformed { .. }) => {
            record.status = Some(200);
            shared.lock().save(&mut record);
            Ok(respond(
                200,
                &request_id,
                Bytes::from_static(b"<html><body>upstream said hello</body></html>"),
                None,
            ))
        }
        Some(Fault::Truncated { .. }) => {
            let text = body.to_string();
            let half = text.len() / 2;
            let cut = text.get(..half).unwrap_or_default().to_owned();
            record.status = Some(200);
            shared.lock().save(&mut record);
            Ok(respond(200, &request_id, Bytes::from(cut), None))
        }
        _ => {
            record.status = Some(200);
            shared.lock().save(&mut record);
            Ok(respond(
                200,
                &request_id,
                Bytes::from(body.to_string()),
                None,
            ))
        }
    }
}

/// Parameters that belong to the protocol, not to the action.
const COMMON_PARAMETERS: [&str; 11] = [
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "Signature",
    "SecurityToken",
    "RegionId",
];

fn check_action(shared: &Shared, auth: &Authenticated) -> Result<(), Rejection> {
    if auth.action.is_empty() {
        return Err(reject(400, "MissingParameter", "The input parameter \"Action\" that is mandatory for processing this request is not supplied.".to_owned()));
    }
    if auth.api_version != shared.spec.version {
        return Err(reject(
            404,
            "InvalidApi.NotFound",
            format!(
                "Specified api is not found: version {:?} of cams; the emulator serves {}.",
                auth.api_version, shared.spec.version
            ),
        ));
    }
    if !shared.spec.actions.contains_key(&auth.action) {
        return Err(reject(
            404,
            "InvalidApi.NotFound",
            format!(
                "Specified api is not found: {} of cams {}.",
                auth.action, shared.spec.version
            ),
        ));
    }
    Ok(())
}

/// Decodes `a=1&b=2` as a form (`+` is a space, as the gateway reads Python's queries).
fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    cams_signer::percent_decode(&spaced).unwrap_or(spaced)
}

fn submit_time(now: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

fn error_response(
    shared: &Shared,
    record: &mut RequestRecord,
    rejection: &Rejection,
    retry_after: Option<Duration>,
) -> Response<Full<Bytes>> {
    let mut state = shared.lock();
    let request_id = state.new_request_id();
    let body = json!({
        "RequestId": request_id,
        "HostId": "cams.ap-southeast-1.aliyuncs.com",
        "Code": rejection.code,
        "Message": rejection.message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={}&product=cams", rejection.code),
    });
    record.status = Some(rejection.status);
    record.code = Some(rejection.code.to_owned());
    state.save(record);
    drop(state);
    respond(
        rejection.status,
        &request_id,
        Bytes::from(body.to_string()),
        retry_after,
    )
}

fn respond(
    status: u16,
    request_id: &str,
    body: Bytes,
    retry_after: Option<Duration>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(value) = hyper::header::HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", value);
    }
    if let Some(after) = retry_after
        && let Ok(value) = hyper::header::HeaderValue::from_str(&after.as_millis().to_string())
    {
        headers.insert("x-acs-retry-after", value);
    }
    response
}
