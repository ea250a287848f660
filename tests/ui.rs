//! Compile-time diagnostics of `#[jwt_required]` (trybuild). The toolchain is pinned in
//! rust-toolchain.toml so that the checked-in `.stderr` files stay stable; regenerate them
//! with `TRYBUILD=overwrite cargo test --test ui` and read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
    t.compile_fail("tests/ui/loaders/fail/*.rs");
    t.pass("tests/ui/loaders/pass/*.rs");
}
