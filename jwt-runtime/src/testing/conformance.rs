//! The blocklist conformance suite: what every [`BlocklistStore`] must do, checked against a
//! real store.

use std::error::Error as _;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::blocklist::SessionRecord;
use crate::blocklist::{
    bounded, BlocklistStore, ChangeFeed, NearCache, NearCacheOptions, StoreError, TokenKeys,
    Verdict,
};

/// How long one store call may take in the suite before it counts as hung.
const CALL_LIMIT: Duration = Duration::from_secs(10);

/// How long a store may take to answer again after its backend is back.
const RECOVERY_LIMIT: Duration = Duration::from_secs(20);

/// Values that a careless store would mangle, match by pattern, or inject into its query
/// language.
const AWKWARD: &[&str] = &[
    "with space",
    " leading and trailing ",
    "crlf\r\nSET injected 1\r\n",
    "double\"quote",
    "single'quote",
    "'; DROP TABLE jwt_blocklist; --",
    "{braces}",
    "{\"json\":[1,\"two\",{\"3\":null}]}",
    "100%",
    "%",
    "under_score",
    "_",
    "semi;colon",
    "back\\slash",
    "tab\there",
    "star*glob?[x]",
    "$1 ?1 :name @p",
    "ünïcødé ✓ 日本語 🎉",
    "nul\0byte",
    "CaseSensitive",
];

fn fail(what: &str, e: &StoreError) -> ! {
    let mut causes = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        causes.push_str(": ");
        causes.push_str(&s.to_string());
        source = s.source();
    }
    panic!("blocklist conformance: {what}: the store failed: {e}{causes}")
}

/// Awaits a store call that must succeed.
async fn ok<T>(what: &str, call: impl Future<Output = Result<T, StoreError>>) -> T {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => fail(what, &e),
        Err(_) => panic!("blocklist conformance: {what}: no answer within {CALL_LIMIT:?}"),
    }
}

/// What the suite expects of a check.
fn verdict(jti_revoked: bool, identity_revoked_before: Option<u64>) -> Verdict {
    Verdict {
        jti_revoked,
        identity_revoked_before,
        family_revoked: false,
    }
}

/// A token of no family.
fn tok<'a>(jti: &'a str, identity: Option<&'a str>) -> TokenKeys<'a> {
    TokenKeys {
        jti,
        identity,
        family: None,
    }
}

/// The calls of the suite, token by token, as the manager makes them.
trait Calls {
    fn check_jti<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> crate::loaders::BoxFuture<'a, Result<Verdict, StoreError>>;
    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<(), StoreError>>;
    fn revoke_jti_as<'a>(
        &'a self,
        jti: &'a str,
        identity: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<(), StoreError>>;
    fn revoke_jti_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<bool, StoreError>>;
}

impl<S: BlocklistStore + ?Sized> Calls for S {
    fn check_jti<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> crate::loaders::BoxFuture<'a, Result<Verdict, StoreError>> {
        self.check_token(tok(jti, identity))
    }
    fn revoke_jti<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<(), StoreError>> {
        self.revoke_token(tok(jti, None), ttl)
    }
    fn revoke_jti_as<'a>(
        &'a self,
        jti: &'a str,
        identity: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<(), StoreError>> {
        self.revoke_token(tok(jti, Some(identity)), ttl)
    }
    fn revoke_jti_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> crate::loaders::BoxFuture<'a, Result<bool, StoreError>> {
        self.revoke_token_if_new(tok(jti, None), ttl)
    }
}

/// Values of this run: unique, so that a store on a database kept between runs starts clean.
struct Run {
    prefix: String,
}

impl Run {
    fn new() -> Run {
        Run {
            prefix: format!("conformance-{}-", uuid::Uuid::new_v4().simple()),
        }
    }

    fn jti(&self, name: &str) -> String {
        format!("{}jti-{name}", self.prefix)
    }

    /// Identities are JSON texts in practice; the store must treat them as opaque strings.
    fn identity(&self, name: &str) -> String {
        format!("\"{}identity-{name}\"", self.prefix)
    }
}

/// Random seconds since the epoch between 2020 and 2030.
fn random_time() -> u64 {
    let r = uuid::Uuid::new_v4().as_u128() as u64;
    1_600_000_000 + r % 300_000_000
}

/// Checks that a [`BlocklistStore`] keeps the contract the manager relies on, panicking with
/// the broken rule. Run it in a `#[tokio::test]` (either flavor) on a store of your own, on
/// its real backend:
///
/// - a revoked `jti` is revoked; an unknown one is not; revoking twice is fine;
/// - a `ttl` is honoured to the second: a `jti` revoked for 1.5 s is still revoked after
///   1.2 s and no longer after 2.6 s (an entry may outlive its `ttl` by up to a second,
///   never end before it), and can be revoked again; `None` never expires;
/// - huge lifetimes (`Duration::MAX`, `u64::MAX` seconds, a hundred years) and cut-offs
///   (`u64::MAX`, kept as at least `i64::MAX`) are accepted without overflow; a cut-off of
///   `0` is `Some(0)`, not `None`;
/// - an identity's cut-off only moves forward: an earlier one changes nothing, and of 50
///   concurrent calls with random times the latest wins;
/// - 50 concurrent revocations of one `jti`, and of 50 different ones, all succeed;
/// - values with spaces, CR LF, quotes, braces, `%`, `_`, `;`, a NUL, non-ASCII text, and
///   one of 4000 characters are kept exactly: no pattern matching, no prefix matching, no
///   case folding, no injection;
/// - identities do not share cut-offs, and `jti`s and identities live apart (a `jti` equal
///   to an identity's text is not that identity's cut-off, and the other way round).
///
/// Each run uses fresh random values, so a database kept between runs is fine. It takes
/// about 3 s, most of it waiting for the lifetimes to run out.
///
/// ```
/// # use axum_jwt_extended_runtime::MemoryBlocklist;
/// use axum_jwt_extended_runtime::testing::blocklist_conformance;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// blocklist_conformance(MemoryBlocklist::new()).await;
/// # }
/// ```
pub async fn blocklist_conformance<S: BlocklistStore>(store: S) {
    let store = Arc::new(store);
    let run = Run::new();
    // The lifetime checks wait: start them first, and check the rest meanwhile.
    let lifetimes = tokio::spawn(expiry(store.clone(), run.jti("expiry")));
    revocation(&*store, &run).await;
    huge_values(&*store, &run).await;
    cutoffs(&*store, &run).await;
    awkward_values(&*store, &run).await;
    namespaces(&*store, &run).await;
    concurrency(&store, &run).await;
    first_revocation_wins(&store, &run).await;
    if let Err(e) = lifetimes.await {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn revocation(store: &dyn BlocklistStore, run: &Run) {
    families(store, run).await;
    let (jti, other, alice) = (run.jti("a"), run.jti("b"), run.identity("alice"));
    let v = ok("check of an unknown jti", store.check_jti(&jti, None)).await;
    assert_eq!(v, Verdict::default(), "an unknown jti is not revoked");
    let v = ok(
        "check with an unknown identity",
        store.check_jti(&jti, Some(&alice)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "an unknown identity has no cut-off");

    ok(
        "revoke",
        store.revoke_jti_as(&jti, &alice, Some(Duration::from_secs(600))),
    )
    .await;
    let v = ok(
        "check with an identity",
        store.check_jti(&jti, Some(&alice)),
    )
    .await;
    assert_eq!(
        v,
        verdict(true, None),
        "a revoked jti is revoked, and its identity has no cut-off"
    );
    let v = ok(
        "check of another jti",
        store.check_jti(&other, Some(&alice)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "another jti is not revoked");

    ok(
        "revoke again",
        store.revoke_jti_as(&jti, &alice, Some(Duration::from_secs(600))),
    )
    .await;
    ok(
        "revoke again, forever",
        store.revoke_jti_as(&jti, &alice, None),
    )
    .await;
    let v = ok(
        "check after revoking twice",
        store.check_jti(&jti, Some(&alice)),
    )
    .await;
    assert_eq!(
        v,
        verdict(true, None),
        "revoking twice keeps the jti revoked"
    );
}

/// A family's revocation reaches every token of it, and only those.
async fn families(store: &dyn BlocklistStore, run: &Run) {
    let (alice, family, other) = (run.identity("fam"), run.jti("family"), run.jti("family-2"));
    let (jti, second) = (run.jti("f1"), run.jti("f2"));
    let of = |jti, family| TokenKeys {
        jti,
        identity: Some(alice.as_str()),
        family: Some(family),
    };
    let v = ok(
        "check of a token of a family",
        store.check_token(of(&jti, &family)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "an unknown family is not revoked");
    ok(
        "revoke_family",
        store.revoke_family(Some(&alice), &family, Some(Duration::from_secs(600))),
    )
    .await;
    for t in [&jti, &second] {
        let v = ok(
            "check after revoke_family",
            store.check_token(of(t, &family)),
        )
        .await;
        assert_eq!(
            v,
            Verdict {
                family_revoked: true,
                ..Verdict::default()
            },
            "every token of a revoked family is refused, and only by its family"
        );
    }
    let v = ok(
        "check of another family",
        store.check_token(of(&jti, &other)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "another family is not revoked");
    let v = ok(
        "check of the family's text as a jti",
        store.check_jti(&family, Some(&alice)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "a family is not a jti");
    ok(
        "revoke a token of a family",
        store.revoke_token(of(&other, &other), None),
    )
    .await;
    let v = ok("check of it", store.check_token(of(&other, &other))).await;
    assert_eq!(v, verdict(true, None), "a jti of a family is revoked alone");
}

async fn huge_values(store: &dyn BlocklistStore, run: &Run) {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    for (name, ttl) in [
        ("forever", None),
        ("duration-max", Some(Duration::MAX)),
        ("u64-max-secs", Some(Duration::from_secs(u64::MAX))),
        ("i64-max-secs", Some(Duration::from_secs(i64::MAX as u64))),
        ("century", Some(CENTURY)),
        ("zero", Some(Duration::ZERO)),
    ] {
        let jti = run.jti(name);
        ok(
            &format!("revoke with ttl {ttl:?}"),
            store.revoke_jti(&jti, ttl),
        )
        .await;
        let v = ok(
            &format!("check after ttl {ttl:?}"),
            store.check_jti(&jti, None),
        )
        .await;
        assert_eq!(v, verdict(true, None), "revoked with ttl {ttl:?}");
    }

    let (big, zero) = (run.identity("u64-max"), run.identity("zero"));
    ok(
        "revoke_identity_before(u64::MAX, ttl Duration::MAX)",
        store.revoke_identity_before(&big, u64::MAX, Some(Duration::MAX)),
    )
    .await;
    let v = ok(
        "check after a u64::MAX cut-off",
        store.check_jti(&run.jti("x"), Some(&big)),
    )
    .await;
    assert!(
        v.identity_revoked_before >= Some(i64::MAX as u64),
        "a u64::MAX cut-off is kept as at least i64::MAX, got {:?}",
        v.identity_revoked_before
    );
    ok(
        "revoke_identity_before(0)",
        store.revoke_identity_before(&zero, 0, None),
    )
    .await;
    let v = ok(
        "check after a zero cut-off",
        store.check_jti(&run.jti("x"), Some(&zero)),
    )
    .await;
    assert_eq!(v, verdict(false, Some(0)), "a cut-off of 0 is Some(0)");
}

async fn cutoffs(store: &dyn BlocklistStore, run: &Run) {
    let (alice, bob, jti) = (run.identity("alice"), run.identity("bob"), run.jti("c"));
    ok(
        "revoke_identity_before",
        store.revoke_identity_before(&alice, 1_700_000_000, None),
    )
    .await;
    let v = ok("check with a cut-off", store.check_jti(&jti, Some(&alice))).await;
    assert_eq!(
        v,
        verdict(false, Some(1_700_000_000)),
        "the cut-off is kept"
    );
    let v = ok("check without identity", store.check_jti(&jti, None)).await;
    assert_eq!(v, Verdict::default(), "no identity, no cut-off");
    let v = ok(
        "check of another identity",
        store.check_jti(&jti, Some(&bob)),
    )
    .await;
    assert_eq!(v, Verdict::default(), "identities do not share cut-offs");

    ok(
        "an earlier cut-off",
        store.revoke_identity_before(&alice, 1_600_000_000, None),
    )
    .await;
    let v = ok(
        "check after an earlier cut-off",
        store.check_jti(&jti, Some(&alice)),
    )
    .await;
    assert_eq!(
        v,
        verdict(false, Some(1_700_000_000)),
        "an earlier cut-off changes nothing"
    );
    ok(
        "a later cut-off",
        store.revoke_identity_before(&alice, 1_800_000_000, Some(Duration::from_secs(600))),
    )
    .await;
    let v = ok(
        "check after a later cut-off",
        store.check_jti(&jti, Some(&alice)),
    )
    .await;
    assert_eq!(
        v,
        verdict(false, Some(1_800_000_000)),
        "a later cut-off moves it forward"
    );

    ok(
        "bob's cut-off",
        store.revoke_identity_before(&bob, 1_650_000_000, None),
    )
    .await;
    let v = ok("check of alice", store.check_jti(&jti, Some(&alice))).await;
    assert_eq!(
        v,
        verdict(false, Some(1_800_000_000)),
        "bob's cut-off is not alice's"
    );
    let v = ok("check of bob", store.check_jti(&jti, Some(&bob))).await;
    assert_eq!(v, verdict(false, Some(1_650_000_000)), "bob has his own");
}

async fn awkward_values(store: &dyn BlocklistStore, run: &Run) {
    let long = format!("long-{}", "x".repeat(4000));
    let mut values: Vec<&str> = AWKWARD.to_vec();
    values.push(&long);
    for (i, value) in values.iter().enumerate() {
        let (jti, identity) = (run.jti(value), run.identity(value));
        let cutoff = 1_700_000_000 + i as u64;
        let shown = value.escape_debug().to_string();
        let shown: String = shown.chars().take(60).collect();
        ok(
            &format!("revoke {shown}"),
            store.revoke_jti_as(&jti, &identity, None),
        )
        .await;
        ok(
            &format!("revoke_identity_before {shown}"),
            store.revoke_identity_before(&identity, cutoff, None),
        )
        .await;
        let v = ok(
            &format!("check {shown}"),
            store.check_jti(&jti, Some(&identity)),
        )
        .await;
        assert_eq!(v, verdict(true, Some(cutoff)), "{shown} is kept exactly");

        // Near misses: a longer value, a shorter one, another case, and what `%` or `_`
        // would match as a pattern.
        let mut shorter = value.to_string();
        shorter.pop();
        let near = [
            format!("{value}x"),
            shorter,
            value.to_uppercase(),
            value.to_lowercase(),
            value.replace(['%', '_'], "Q"),
        ];
        for miss in near.iter().filter(|m| m.as_str() != *value) {
            let (jti, identity) = (run.jti(miss), run.identity(miss));
            let v = ok(
                "check of a near miss",
                store.check_jti(&jti, Some(&identity)),
            )
            .await;
            let miss_shown: String = miss.escape_debug().to_string().chars().take(60).collect();
            assert_eq!(
                v,
                Verdict::default(),
                "{miss_shown} is not revoked because {shown} is"
            );
        }
    }
}

async fn namespaces(store: &dyn BlocklistStore, run: &Run) {
    // A jti equal to an identity's text, and an identity equal to a jti.
    let shared = run.identity("shared");
    ok(
        "revoke a jti that reads like an identity",
        store.revoke_jti(&shared, None),
    )
    .await;
    let v = ok(
        "check of that identity",
        store.check_jti(&run.jti("n1"), Some(&shared)),
    )
    .await;
    assert_eq!(
        v,
        Verdict::default(),
        "a revoked jti is not an identity's cut-off"
    );

    let plain = run.jti("n2");
    ok(
        "a cut-off for an identity that reads like a jti",
        store.revoke_identity_before(&plain, 1_700_000_000, None),
    )
    .await;
    let v = ok("check of that jti", store.check_jti(&plain, None)).await;
    assert_eq!(
        v,
        Verdict::default(),
        "an identity's cut-off does not revoke a jti"
    );
    let v = ok("check of both", store.check_jti(&plain, Some(&plain))).await;
    assert_eq!(
        v,
        verdict(false, Some(1_700_000_000)),
        "the same text as jti and identity"
    );
}

async fn concurrency<S: BlocklistStore>(store: &Arc<S>, run: &Run) {
    // 50 concurrent cut-offs with random times: the latest wins.
    let identity = run.identity("concurrent");
    let times: Vec<u64> = (0..50).map(|_| random_time()).collect();
    let latest = times.iter().copied().max().unwrap_or_default();
    let calls: Vec<_> = times
        .into_iter()
        .map(|t| {
            let (store, identity) = (store.clone(), identity.clone());
            tokio::spawn(async move {
                ok(
                    "concurrent revoke_identity_before",
                    store.revoke_identity_before(&identity, t, None),
                )
                .await
            })
        })
        .collect();
    join(calls).await;
    let v = ok(
        "check after concurrent cut-offs",
        store.check_jti(&run.jti("x"), Some(&identity)),
    )
    .await;
    assert_eq!(
        v,
        verdict(false, Some(latest)),
        "of concurrent cut-offs, the latest wins"
    );
    ok(
        "an earlier cut-off after the concurrent ones",
        store.revoke_identity_before(&identity, latest - 1, None),
    )
    .await;
    let v = ok("check", store.check_jti(&run.jti("x"), Some(&identity))).await;
    assert_eq!(v, verdict(false, Some(latest)), "the latest stays");

    // 50 concurrent revocations of one jti, and of 50 different ones.
    let one = run.jti("concurrent-one");
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let store = store.clone();
            let jti = if i % 2 == 0 {
                one.clone()
            } else {
                run.jti(&format!("concurrent-{i}"))
            };
            let ttl = (i % 4 == 1).then(|| Duration::from_secs(600 + i));
            tokio::spawn(async move { ok("concurrent revoke", store.revoke_jti(&jti, ttl)).await })
        })
        .collect();
    join(calls).await;
    let v = ok(
        "check after concurrent revocations",
        store.check_jti(&one, None),
    )
    .await;
    assert_eq!(v, verdict(true, None), "concurrent revocations of one jti");
    for i in (1..100).step_by(2) {
        let jti = run.jti(&format!("concurrent-{i}"));
        let v = ok(
            "check after concurrent revocations",
            store.check_jti(&jti, None),
        )
        .await;
        assert_eq!(v, verdict(true, None), "concurrent revocation {i}");
    }
}

/// `revoke_if_new`: of 20 concurrent calls with one `jti`, exactly one is first; an already
/// revoked `jti` is never new; the `jti` is revoked afterwards.
async fn first_revocation_wins<S: BlocklistStore>(store: &Arc<S>, run: &Run) {
    for round in 0..5 {
        let jti = run.jti(&format!("first-{round}"));
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let (store, jti) = (store.clone(), jti.clone());
                tokio::spawn(async move {
                    ok(
                        "concurrent revoke_if_new",
                        store.revoke_jti_if_new(&jti, Some(Duration::from_secs(600))),
                    )
                    .await
                })
            })
            .collect();
        let mut firsts = 0;
        for call in calls {
            match call.await {
                Ok(true) => firsts += 1,
                Ok(false) => {}
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        }
        assert_eq!(
            firsts, 1,
            "of concurrent revoke_if_new calls, exactly one is first"
        );
        let v = ok("check after revoke_if_new", store.check_jti(&jti, None)).await;
        assert_eq!(v, verdict(true, None), "revoke_if_new revokes");
    }
    let revoked = run.jti("first-after-revoke");
    ok("revoke", store.revoke_jti(&revoked, None)).await;
    let new = ok(
        "revoke_if_new of a revoked jti",
        store.revoke_jti_if_new(&revoked, None),
    )
    .await;
    assert!(!new, "a revoked jti is not new");
}

async fn join(calls: Vec<tokio::task::JoinHandle<()>>) {
    for call in calls {
        if let Err(e) = call.await {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

/// A `jti` revoked for 1.5 s: still revoked after 1.2 s, gone after 2.6 s, revocable again.
async fn expiry<S: BlocklistStore>(store: Arc<S>, jti: String) {
    let forever = format!("{jti}-forever");
    let sent = Instant::now();
    ok(
        "revoke for 1.5 s",
        store.revoke_jti(&jti, Some(Duration::from_millis(1500))),
    )
    .await;
    let done = Instant::now();
    ok("revoke forever", store.revoke_jti(&forever, None)).await;

    tokio::time::sleep_until((sent + Duration::from_millis(1200)).into()).await;
    let v = ok("check after 1.2 s", store.check_jti(&jti, None)).await;
    assert_eq!(
        v,
        verdict(true, None),
        "a jti revoked for 1.5 s is still revoked after 1.2 s (rounded down?)"
    );

    tokio::time::sleep_until((done + Duration::from_millis(2600)).into()).await;
    let v = ok("check after 2.6 s", store.check_jti(&jti, None)).await;
    assert_eq!(
        v,
        Verdict::default(),
        "a jti revoked for 1.5 s is no longer revoked after 2.6 s"
    );
    let v = ok(
        "check of the one kept forever",
        store.check_jti(&forever, None),
    )
    .await;
    assert_eq!(
        v,
        verdict(true, None),
        "a jti revoked without ttl stays revoked"
    );

    ok("revoke the expired one again", store.revoke_jti(&jti, None)).await;
    let v = ok("check after revoking again", store.check_jti(&jti, None)).await;
    assert_eq!(
        v,
        verdict(true, None),
        "an expired jti can be revoked again"
    );
}

/// The backend of a store, which [`blocklist_outage_conformance`] takes down and brings back:
/// a database server the test started, a container…
///
/// Implement the methods with `async fn`:
///
/// ```
/// use axum_jwt_extended_runtime::testing::Backend;
///
/// struct MyServer { /* a child process… */ }
///
/// impl Backend for MyServer {
///     async fn stop(&mut self) { /* kill it */ }
///     async fn restart(&mut self) { /* start it again on the same port */ }
/// }
/// ```
pub trait Backend {
    /// Takes the backend down: it no longer answers (the process is gone, or refuses
    /// connections).
    fn stop(&mut self) -> impl Future<Output = ()>;

    /// Brings it back where the store expects it (the same address), and returns once it
    /// accepts connections. Its data may be gone.
    fn restart(&mut self) -> impl Future<Output = ()>;
}

/// Checks that a store fails closed while its backend is down and recovers by itself: with
/// the backend up, revoking and checking work; once [`Backend::stop`] has run, `check`,
/// `revoke` and `revoke_identity_before` each fail (an `Err`, or no answer within the 2 s the
/// manager allows a store, which it turns into the same 503); after [`Backend::restart`],
/// the same store answers again within 20 s, and revokes and checks as before. Data written
/// before the outage is not required to survive it (a Redis without persistence loses it),
/// and a call that failed during it may or may not have been applied.
///
/// ```no_run
/// # use axum_jwt_extended_runtime::testing::{blocklist_outage_conformance, Backend};
/// # use axum_jwt_extended_runtime::MemoryBlocklist;
/// # struct MyServer;
/// # impl Backend for MyServer { async fn stop(&mut self) {} async fn restart(&mut self) {} }
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// # let (store, mut server) = (MemoryBlocklist::new(), MyServer);
/// blocklist_outage_conformance(store, &mut server).await;
/// # }
/// ```
pub async fn blocklist_outage_conformance<S: BlocklistStore, B: Backend>(
    store: S,
    backend: &mut B,
) {
    let run = Run::new();
    let (before, during, after) = (run.jti("before"), run.jti("during"), run.jti("after"));
    let identity = run.identity("outage");
    ok(
        "revoke with the backend up",
        store.revoke_jti_as(&before, &identity, None),
    )
    .await;
    let v = ok(
        "check with the backend up",
        store.check_jti(&before, Some(&identity)),
    )
    .await;
    assert_eq!(v, verdict(true, None), "the store works before the outage");

    backend.stop().await;
    match bounded(store.check_jti(&before, Some(&identity))).await {
        Err(_) => {}
        Ok(v) => panic!("blocklist conformance: check answered {v:?} with the backend down"),
    }
    assert!(
        bounded(store.revoke_jti(&during, None)).await.is_err(),
        "blocklist conformance: revoke succeeded with the backend down"
    );
    assert!(
        bounded(store.revoke_identity_before(&identity, 1_700_000_000, None))
            .await
            .is_err(),
        "blocklist conformance: revoke_identity_before succeeded with the backend down"
    );

    backend.restart().await;
    let deadline = Instant::now() + RECOVERY_LIMIT;
    loop {
        match bounded(store.check_jti(&during, None)).await {
            Ok(_) => break,
            Err(e) if Instant::now() >= deadline => fail(
                &format!("check {RECOVERY_LIMIT:?} after the backend came back"),
                &e,
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    ok(
        "revoke after recovery",
        store.revoke_jti_as(&after, &identity, None),
    )
    .await;
    let v = ok(
        "check after recovery",
        store.check_jti(&after, Some(&identity)),
    )
    .await;
    assert_eq!(v, verdict(true, None), "the store works after the outage");
}

/// Checks that a [`ChangeFeed`] names every identity whose revocations changed: after a
/// revoked token, a moved cut-off, a revoked family and a first revocation, the feed read
/// from the cursor it gave before them names each identity (within 5 s, read as a
/// heartbeat would).
///
/// ```
/// # async fn run(store: axum_jwt_extended_runtime::RedisBlocklist) {
/// use axum_jwt_extended_runtime::testing::change_feed_conformance;
/// change_feed_conformance(store).await;
/// # }
/// ```
pub async fn change_feed_conformance<S: ChangeFeed>(store: S) {
    let run = Run::new();
    let start = ok("changes with no cursor", store.changes_after(None)).await;
    assert!(
        start.identities.is_empty(),
        "with no cursor, the feed names nothing"
    );
    let (a, b, c, d) = (
        run.identity("feed-a"),
        run.identity("feed-b"),
        run.identity("feed-c"),
        run.identity("feed-d"),
    );
    let (jti, family, first) = (run.jti("feed"), run.jti("feed-family"), run.jti("feed-1"));
    ok(
        "revoke_token",
        store.revoke_token(tok(&jti, Some(&a)), None),
    )
    .await;
    ok(
        "revoke_identity_before",
        store.revoke_identity_before(&b, 1_700_000_000, None),
    )
    .await;
    ok(
        "revoke_family",
        store.revoke_family(Some(&c), &family, None),
    )
    .await;
    let new = ok(
        "revoke_token_if_new",
        store.revoke_token_if_new(tok(&first, Some(&d)), None),
    )
    .await;
    assert!(new, "a first revocation is new");

    let deadline = Instant::now() + Duration::from_secs(5);
    let mut cursor = start.cursor;
    let mut seen = std::collections::HashSet::new();
    loop {
        let changes = ok(
            "changes after the cursor",
            store.changes_after(Some(&cursor)),
        )
        .await;
        seen.extend(changes.identities);
        cursor = changes.cursor;
        let missing: Vec<&String> = [&a, &b, &c, &d]
            .into_iter()
            .filter(|i| !seen.contains(*i))
            .collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "blocklist conformance: the change feed does not name {missing:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Checks that two [`NearCache`]s on one backend (`first` and `second`: two handles of
/// your store, as two instances of your app would have) keep revocation strict: a token
/// cached by the second as not revoked is refused by it on the very next check after the
/// first has revoked it (by `jti`, by identity cut-off, by family, and by a first
/// revocation), and answers from the cache are served while nothing changed.
///
/// Uses a lease of 300 ms; takes a few seconds.
///
/// ```
/// # async fn run(a: axum_jwt_extended_runtime::RedisBlocklist, b: axum_jwt_extended_runtime::RedisBlocklist) {
/// use axum_jwt_extended_runtime::testing::near_cache_conformance;
/// near_cache_conformance(a, b).await;
/// # }
/// ```
pub async fn near_cache_conformance<S: ChangeFeed>(first: S, second: S) {
    let options = NearCacheOptions::new()
        .lease(Duration::from_millis(300))
        .heartbeat(Duration::from_millis(100));
    let (a, b) = (
        NearCache::with_options(first, options),
        NearCache::with_options(second, options),
    );
    let run = Run::new();
    for kind in ["jti", "cut-off", "family", "first"] {
        let identity = run.identity(&format!("near-{kind}"));
        let (jti, family) = (
            run.jti(&format!("near-{kind}")),
            run.jti(&format!("near-family-{kind}")),
        );
        let token = TokenKeys {
            jti: &jti,
            identity: Some(&identity),
            family: Some(&family),
        };
        // The second instance caches the token as not revoked.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let v = ok("check through the near cache", b.check_token(token)).await;
            assert_eq!(v, Verdict::default(), "{kind}: not revoked yet");
            if b.lease_holds() && !b.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "blocklist conformance: the near cache never held its lease (does the change feed answer?)"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        match kind {
            "jti" => ok("revoke_token", a.revoke_token(token, None)).await,
            "cut-off" => {
                ok(
                    "revoke_identity_before",
                    a.revoke_identity_before(&identity, u64::MAX / 2, None),
                )
                .await
            }
            "family" => {
                ok(
                    "revoke_family",
                    a.revoke_family(Some(&identity), &family, None),
                )
                .await
            }
            _ => assert!(
                ok("revoke_token_if_new", a.revoke_token_if_new(token, None)).await,
                "a first revocation is new"
            ),
        }
        let v = ok("check right after the revocation", b.check_token(token)).await;
        assert_ne!(
            v,
            Verdict::default(),
            "blocklist conformance: {kind}: a revocation that returned on one instance is not seen by the other's near cache"
        );
    }
}

/// Checks that a store keeps sessions as the sessions API relies on: a saved session is
/// listed for its identity only, exactly as saved (its data included); saving it again
/// replaces it; removing it says whether it was kept; an update never brings a removed
/// session back; identities with awkward text stay
/// apart; and 20 sessions of one identity saved concurrently are all listed.
///
/// ```
/// # use axum_jwt_extended_runtime::MemoryBlocklist;
/// use axum_jwt_extended_runtime::testing::session_conformance;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// session_conformance(MemoryBlocklist::new()).await;
/// # }
/// ```
pub async fn session_conformance<S: BlocklistStore>(store: S) {
    let store = Arc::new(store);
    let run = Run::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let record = |id: &str| SessionRecord {
        id: id.to_owned(),
        created_at: now,
        last_seen_at: now,
        max_age: Some(3600),
        idle_timeout: None,
        refresh_expires_at: Some(now + 600),
        data: serde_json::json!({"user_agent": "curl/8 ✓", "n": 1})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    };
    let (alice, bob) = (run.identity("s-alice"), run.identity("s-bob"));
    let listed = ok("sessions of an unknown identity", store.sessions(&alice)).await;
    assert!(listed.is_empty(), "an unknown identity has no sessions");

    let first = record(&run.jti("s1"));
    ok("save_session", store.save_session(&alice, &first)).await;
    let listed = ok("sessions", store.sessions(&alice)).await;
    assert_eq!(
        listed,
        vec![first.clone()],
        "a saved session is listed as saved"
    );
    let listed = ok("sessions of another identity", store.sessions(&bob)).await;
    assert!(
        listed.is_empty(),
        "another identity's sessions are not listed"
    );

    let mut later = first.clone();
    later.last_seen_at = now + 5;
    ok("save_session again", store.save_session(&alice, &later)).await;
    let listed = ok("sessions after saving again", store.sessions(&alice)).await;
    assert_eq!(
        listed,
        vec![later.clone()],
        "saving again replaces the session"
    );

    let removed = ok(
        "remove_session of another identity",
        store.remove_session(&bob, &first.id),
    )
    .await;
    assert!(!removed, "another identity cannot remove it");
    let removed = ok("remove_session", store.remove_session(&alice, &first.id)).await;
    assert!(removed, "removing a kept session says so");
    let removed = ok(
        "remove_session again",
        store.remove_session(&alice, &first.id),
    )
    .await;
    assert!(!removed, "removing it again says it was not kept");
    let listed = ok("sessions after removal", store.sessions(&alice)).await;
    assert!(listed.is_empty(), "a removed session is not listed");
    let updated = ok(
        "update_session of a removed session",
        store.update_session(&alice, &later),
    )
    .await;
    assert!(!updated, "an update does not bring a removed session back");
    let listed = ok("sessions after the update", store.sessions(&alice)).await;
    assert!(
        listed.is_empty(),
        "an update does not bring a removed session back"
    );
    ok("save_session once more", store.save_session(&alice, &first)).await;
    let updated = ok("update_session", store.update_session(&alice, &later)).await;
    assert!(updated, "an update of a kept session says so");
    let listed = ok("sessions after an update", store.sessions(&alice)).await;
    assert_eq!(
        listed,
        vec![later.clone()],
        "an update replaces the session"
    );
    ok("remove_session", store.remove_session(&alice, &first.id)).await;

    for value in AWKWARD.iter().filter(|v| !v.contains('\0')) {
        let identity = run.identity(value);
        let session = record(&run.jti(&format!("s-{value}")));
        ok(
            "save_session (awkward)",
            store.save_session(&identity, &session),
        )
        .await;
        let listed = ok("sessions (awkward)", store.sessions(&identity)).await;
        assert_eq!(listed, vec![session], "{value:?} keeps its own sessions");
    }

    let calls: Vec<_> = (0..20)
        .map(|i| {
            let (store, bob, session) = (
                store.clone(),
                bob.clone(),
                record(&run.jti(&format!("c{i}"))),
            );
            tokio::spawn(async move {
                ok(
                    "concurrent save_session",
                    store.save_session(&bob, &session),
                )
                .await
            })
        })
        .collect();
    join(calls).await;
    let listed = ok("sessions after concurrent saves", store.sessions(&bob)).await;
    assert_eq!(
        listed.len(),
        20,
        "20 concurrent sessions of one identity are all kept"
    );
}
