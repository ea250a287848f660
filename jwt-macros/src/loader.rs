//! The 15 loader attributes (`#[user_lookup_loader]`, `#[token_in_blocklist_loader]`, …).
//!
//! They share one implementation driven by a table of kinds (as tokio's `main` and `test`
//! share theirs): each kind says which parameters the function takes, whether it may be
//! `async`, and what it returns. Register the function by name:
//! `JwtManager::builder(config).token_in_blocklist_loader(is_revoked)`.
//!
//! The attribute checks only the shape of the signature (how many parameters, no `self`, no
//! generics, a return type, `async` only where allowed), and reports each mistake at its token.
//! It never judges a type by its name: the types are checked by the compiler, against probes
//! in `__private::probe` that the expansion names with the user's types, spanned at them.
//!
//! A loader on `(jwt_header, jwt_payload)` or on the error message gets the exact parameter
//! types the builder expects (an alias is the same type), and rebinds the parameters to the
//! types as written through a probe, so that a wrong type is reported once, at that type:
//! ```text
//! #[token_in_blocklist_loader]
//! fn is_revoked(_h: &Hdr, c: &Payload) -> bool { BODY }
//! ```
//! becomes
//! ```text
//! fn is_revoked(_h: &__private::JwtHeader, c: &__private::Claims) -> bool {
//!     __private::probe::verdict::<bool>();
//!     let _h: &Hdr = __private::probe::header::<&Hdr>(_h);
//!     let c: &Payload = __private::probe::claims::<&Payload>(c);
//!     { BODY }
//! }
//! ```
//! An `async` one takes the header and payload by value and returns a `Send + 'static`
//! future (the shape `TokenLoader<T, Async>` accepts), its body in an `async move` block.
//!
//! On a mistake in the shape, the attribute emits, under the function's name, a function with
//! the signature the builder expects (so that registering it adds no second error) whose body
//! binds the parameters as written to `unreachable!()` and is the function's own body, so that
//! the body is still type-checked and IDEs keep working.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{parse_quote, Block, FnArg, Item, ItemFn, Pat, PatType, Path, ReturnType, Signature};

use crate::common::{closest, item_kind, parse_crate_path, skip_to_comma, Errors};

#[derive(Clone, Copy, PartialEq)]
enum Params {
    /// `(&JwtHeader, &Claims)`
    Token,
    /// `(&str)`: the error message
    Reason,
    /// `(&T)`: the identity given to `create_*_token`
    Identity,
}

impl Params {
    /// `(`&JwtHeader`, `&Claims`)`.
    fn list(self) -> &'static str {
        match self {
            Params::Token => "(`&JwtHeader`, `&Claims`)",
            Params::Reason => "(`&str`)",
            Params::Identity => "(`&T`)",
        }
    }

    fn len(self) -> usize {
        match self {
            Params::Token => 2,
            Params::Reason | Params::Identity => 1,
        }
    }

    /// The parameters as a signature, and as a typed closure's parameters and arguments.
    fn written(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Params::Token => (
                "jwt_header: &JwtHeader, jwt_payload: &Claims",
                "header: &JwtHeader, claims: &Claims",
                "header, claims",
            ),
            Params::Reason => ("reason: &str", "reason: &str", "reason"),
            Params::Identity => ("identity: &User", "user: &User", "user"),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Returns {
    /// Any `Into<serde_json::Value>`.
    IdentityValue,
    /// `serde_json::Value`.
    JsonValue,
    /// `Key`.
    Key,
    /// `bool` or `Result<bool, E>`.
    Bool,
    /// `Option<User>` or `Result<Option<User>, E>`.
    User,
    /// `impl IntoResponse`.
    Response,
}

impl Returns {
    /// The return type to suggest.
    fn hint(self) -> &'static str {
        match self {
            Returns::IdentityValue => "-> String",
            Returns::JsonValue => "-> serde_json::Value",
            Returns::Key => "-> Key",
            Returns::Bool => "-> bool",
            Returns::User => "-> Option<User>",
            Returns::Response => "-> impl IntoResponse",
        }
    }
}

pub(crate) struct Kind {
    name: &'static str,
    params: Params,
    may_be_async: bool,
    returns: Returns,
    /// What it returns, for the missing-return-type error.
    returns_doc: &'static str,
}

const fn k(
    name: &'static str,
    params: Params,
    may_be_async: bool,
    returns: Returns,
    returns_doc: &'static str,
) -> Kind {
    Kind {
        name,
        params,
        may_be_async,
        returns,
        returns_doc,
    }
}

const RESPONSE: &str = "a response (anything `IntoResponse`)";

/// The kinds: name, parameters, may be async, returns, what it returns (for messages).
#[rustfmt::skip]
const KINDS: &[Kind] = {
    use Params::*;
    use Returns::*;
    &[
        k("user_identity_loader", Identity, false, IdentityValue,
            "the identity claim's value (anything `Into<serde_json::Value>`)"),
        k("additional_claims_loader", Identity, false, JsonValue,
            "a `serde_json::Value` object of extra claims"),
        k("additional_headers_loader", Identity, false, JsonValue,
            "a `serde_json::Value` object of extra header members"),
        k("encode_key_loader", Identity, false, Key, "the signing `Key`"),
        k("decode_key_loader", Token, false, Key, "the verifying `Key`"),
        k("token_in_blocklist_loader", Token, true, Bool,
            "`bool` (true = revoked) or `Result<bool, E>`"),
        k("token_verification_loader", Token, true, Bool,
            "`bool` (false = 400 \"User claims verification failed\") or `Result<bool, E>`"),
        k("user_lookup_loader", Token, true, User,
            "`Option<User>` (None = 401) or `Result<Option<User>, E>`"),
        k("expired_token_loader", Token, false, Response, RESPONSE),
        k("invalid_token_loader", Reason, false, Response, RESPONSE),
        k("unauthorized_loader", Reason, false, Response, RESPONSE),
        k("needs_fresh_token_loader", Token, false, Response, RESPONSE),
        k("revoked_token_loader", Token, false, Response, RESPONSE),
        k("token_verification_failed_loader", Token, false, Response, RESPONSE),
        k("user_lookup_error_loader", Token, false, Response, RESPONSE),
    ]
};

pub(crate) fn kind(name: &str) -> &'static Kind {
    KINDS.iter().find(|k| k.name == name).unwrap_or(&KINDS[0])
}

impl Kind {
    /// "a token_in_blocklist_loader", "an expired_token_loader".
    fn a(&self) -> String {
        let an = matches!(self.name.as_bytes()[0], b'a' | b'e' | b'i' | b'o')
            || self.name.starts_with("un");
        format!("{} {}", if an { "an" } else { "a" }, self.name)
    }

    /// The whole expected signature: `fn name(jwt_header: &JwtHeader, …) -> bool`.
    fn signature(&self, ident: &syn::Ident) -> String {
        let (params, _, _) = self.params.written();
        format!("`fn {ident}({params}) {}`", self.returns.hint())
    }
}

/// Tokens as source text, without the spaces `to_string` puts between all of them.
fn source(tokens: &impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (" : ", ": "),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        ("' ", "'"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Whether the tokens contain `impl Trait` (a hidden generic in parameter position, a type
/// that cannot be named in a probe in return position).
fn has_impl(tokens: &impl ToTokens) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            TokenTree::Ident(i) => i == "impl",
            TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(tokens.to_token_stream())
}

fn parse_args(kind: &Kind, attr: TokenStream, errors: &mut Errors) -> Option<Path> {
    let mut krate: Option<Path> = None;
    let parser = syn::meta::parser(|meta| {
        // Each mistake is reported and skipped, so that the options after it are still read.
        let mistake = if !meta.path.is_ident("crate") {
            let given = source(&meta.path);
            let fix = match closest(&given, ["crate"]) {
                Some(_) => "did you mean `crate = path`?",
                None => "remove it",
            };
            format!(
                "unknown option `{given}`: #[{}] takes no options other than `crate = path` \
                 (the path of axum-jwt-extended if renamed); {fix}",
                kind.name
            )
        } else if !meta.input.peek(syn::Token![=]) {
            "`crate` takes the path of axum-jwt-extended (when renamed): write `crate = path`, \
             e.g. `crate = my_jwt`"
                .to_owned()
        } else if krate.is_some() {
            "`crate` is given twice: remove one".to_owned()
        } else {
            krate = Some(parse_crate_path(&meta)?);
            return Ok(());
        };
        errors.push(syn::Error::new_spanned(&meta.path, mistake));
        skip_to_comma(meta.input)
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(e);
    }
    krate
}

fn typed_params(sig: &Signature) -> Vec<&PatType> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(pt),
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// Checks the shape of the signature, reporting every mistake at its tokens. Returns whether
/// there was none. Types are left to the compiler.
fn check_signature(kind: &Kind, sig: &Signature, errors: &mut Errors) -> bool {
    let before = errors.len();
    let a = kind.a();
    if let Some(asyncness) = sig.asyncness {
        if !kind.may_be_async {
            let when = match (kind.returns, kind.params) {
                (Returns::Response, _) => "the error response is built synchronously",
                (_, Params::Token) => "it is called while the token is decoded",
                _ => "it is called when a token is created, and creating tokens is not async",
            };
            errors.push(syn::Error::new(
                asyncness.span,
                format!(
                    "{a} cannot be `async`: {when}; remove `async` (only token_in_blocklist_loader, \
                     token_verification_loader and user_lookup_loader may be async)"
                ),
            ));
        }
    }
    if let Some(unsafety) = sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            format!("{a} cannot be `unsafe`: it is called as a safe `Fn`; remove `unsafe`"),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            format!("{a} cannot be variadic"),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            format!(
                "{a} cannot be generic: it is registered by name for concrete types; remove `{}` \
                 and write the types out",
                source(&sig.generics)
            ),
        ));
    }
    let (_, closure, args) = kind.params.written();
    if let Some(FnArg::Receiver(r)) = sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            r,
            format!(
                "{a} is a free function, not a method taking `self`: remove `{}`, or remove the \
                 attribute and register a closure calling the method, e.g. \
                 `.{}(move |{closure}| store.{}({args}))`",
                source(r),
                kind.name,
                sig.ident,
            ),
        ));
    }

    let typed = typed_params(sig);
    let expected = kind.params.len();
    let s = if expected == 1 { "" } else { "s" };
    let list = kind.params.list();
    if typed.len() < expected {
        let mut parens = TokenStream::new();
        sig.paren_token
            .surround(&mut parens, |t| sig.inputs.to_tokens(t));
        errors.push(syn::Error::new_spanned(
            parens,
            format!(
                "{a} takes {expected} parameter{s} {list}, not {}: write {}",
                typed.len(),
                kind.signature(&sig.ident)
            ),
        ));
    } else if typed.len() > expected {
        let extra = &typed[expected..];
        errors.push(syn::Error::new_spanned(
            quote! { #(#extra),* },
            format!(
                "{a} takes {expected} parameter{s} {list}, not {}: remove {}; to use other \
                 state, register a closure that captures it, e.g. `.{}(move |{closure}| …)`",
                typed.len(),
                if extra.len() == 1 {
                    "this parameter"
                } else {
                    "these parameters"
                },
                kind.name,
            ),
        ));
    } else {
        for (i, pt) in typed.iter().enumerate() {
            let position = match (expected, i) {
                (1, _) => "the parameter",
                (_, 0) => "the first parameter",
                _ => "the second parameter",
            };
            let ty = &*pt.ty;
            if has_impl(ty) {
                errors.push(syn::Error::new_spanned(
                    ty,
                    format!(
                        "{a} cannot be generic: `impl Trait` here is a hidden type parameter; \
                         write the one type {position} has, e.g. {}",
                        match kind.params {
                            Params::Token if i == 0 => "`&JwtHeader`",
                            Params::Token => "`&Claims`",
                            Params::Reason => "`&str`",
                            Params::Identity => "`&User`",
                        }
                    ),
                ));
            } else if let syn::Type::Reference(r) = ty {
                if r.lifetime.as_ref().is_some_and(|l| l.ident == "static") {
                    let mut fixed = r.clone();
                    fixed.lifetime = None;
                    errors.push(syn::Error::new_spanned(
                        ty,
                        format!(
                            "{position} of {a} is borrowed only for the call, not for \
                             `'static`: write `{}`",
                            source(&fixed)
                        ),
                    ));
                }
            }
        }
    }

    if let ReturnType::Default = sig.output {
        errors.push(syn::Error::new(
            sig.paren_token.span.close(),
            format!(
                "{a} must return {}: add a return type, e.g. `{}`",
                kind.returns_doc,
                kind.returns.hint()
            ),
        ));
    }
    errors.len() == before
}

pub(crate) fn expand(kind: &'static Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let krate = parse_args(kind, attr, &mut errors);
    let krate: Path = krate.unwrap_or_else(|| parse_quote!(::axum_jwt_extended));
    let func: ItemFn = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(f)) => f,
        parsed => {
            let (span, what) = match &parsed {
                Ok(other) => item_kind(other),
                Err(_) => (Span::call_site(), "this item"),
            };
            errors.push(syn::Error::new(
                span,
                format!(
                    "#[{}] goes on a function {}, not on {what}",
                    kind.name,
                    kind.signature(&syn::Ident::new("name", Span::call_site()))
                ),
            ));
            let errs = errors.into_compile_errors();
            return quote! { #errs #item };
        }
    };
    // A mistake in the options alone leaves the function valid: it is expanded as usual.
    let expanded = if check_signature(kind, &func.sig, &mut errors) {
        expand_checked(kind, func, &krate)
    } else {
        stand_in(kind, func, &krate)
    };
    let errs = errors.into_compile_errors();
    quote! { #errs #expanded }
}

/// The type a parameter has in the signature the builder expects (behind `&`), and the probe
/// that passes it on as the type the user wrote. `None` for an identity, whose type is the
/// user's to choose.
fn expected_param(kind: &Kind, i: usize, krate: &Path) -> Option<(TokenStream, &'static str)> {
    match (kind.params, i) {
        (Params::Token, 0) => Some((quote!(#krate::__private::JwtHeader), "header")),
        (Params::Token, _) => Some((quote!(#krate::__private::Claims), "claims")),
        (Params::Reason, _) => Some((quote!(::core::primitive::str), "reason")),
        (Params::Identity, _) => None,
    }
}

/// A function with a correct shape: the exact parameter types the builder expects, the
/// parameters rebound as written through the probes, a probe of the return type.
fn expand_checked(kind: &Kind, func: ItemFn, krate: &Path) -> TokenStream {
    let ItemFn {
        mut attrs,
        vis,
        mut sig,
        block,
    } = func;
    let probe = quote!(#krate::__private::probe);
    let mut stmts = Vec::new();
    let ReturnType::Type(_, ret) = &sig.output else {
        unreachable!("checked by check_signature")
    };
    let ret = (**ret).clone();
    // An `impl Trait` cannot be named; the builder's own bound checks it.
    if !has_impl(&ret) {
        let check = match kind.returns {
            Returns::IdentityValue => quote!(identity_claim::<#ret>),
            Returns::JsonValue => quote!(json_object::<#ret>),
            Returns::Key => quote!(key::<#ret>),
            Returns::Bool => quote!(verdict::<#ret>),
            Returns::User => quote!(user::<_, #ret>),
            Returns::Response => quote!(response::<#ret>),
        };
        stmts.push(quote_spanned! {ret.span()=> #probe::#check(); });
    }

    let by_value = sig.asyncness.is_some();
    let mut inputs = Punctuated::new();
    for (i, pt) in typed_params(&sig).into_iter().enumerate() {
        let ty = &pt.ty;
        let Some((expected, check)) = expected_param(kind, i, krate) else {
            stmts.push(quote_spanned! {ty.span()=> #probe::identity::<#ty>(); });
            inputs.push(FnArg::Typed(pt.clone()));
            continue;
        };
        // The parameter keeps its name when it is a plain one.
        let name = match &*pt.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() => {
                p.ident.clone()
            }
            _ => format_ident!("__jwt_arg{}", i, span = Span::mixed_site()),
        };
        let (arg, param) = if by_value {
            (quote!(&#name), quote!(#name: #expected))
        } else {
            (quote!(#name), quote!(#name: &#expected))
        };
        inputs.push(parse_quote!(#param));
        let (pat_attrs, pat) = (&pt.attrs, &pt.pat);
        let check = format_ident!("{}", check, span = ty.span());
        stmts.push(quote_spanned! {ty.span()=>
            #(#pat_attrs)* let #pat: #ty = #probe::#check::<#ty>(#arg);
        });
    }
    sig.inputs = inputs;

    let block: Block = match sig.asyncness.take() {
        // An async loader on (header, claims): they come by value and the function returns a
        // `Send + 'static` future, spanned at `async` so that a future that is not `Send` is
        // reported there.
        Some(asyncness) => {
            let span = asyncness.span;
            // The user wrote `async fn`: nothing to simplify.
            attrs.push(parse_quote!(#[allow(clippy::manual_async_fn)]));
            sig.output = syn::parse_quote_spanned! {span=>
                -> impl ::core::future::Future<Output = #ret> + ::core::marker::Send + 'static
            };
            syn::parse_quote_spanned! {span=> { async move { #(#stmts)* #block } } }
        }
        None => parse_quote!({ #(#stmts)* #block }),
    };
    ItemFn {
        attrs,
        vis,
        sig,
        block: Box::new(block),
    }
    .into_token_stream()
}

/// A return type the builder accepts for this kind, for a stand-in whose own cannot be used.
fn fallback_return(kind: &Kind, krate: &Path) -> syn::Type {
    match kind.returns {
        Returns::IdentityValue => parse_quote!(::std::string::String),
        Returns::JsonValue => parse_quote!(#krate::__private::probe::JsonValue),
        Returns::Key => parse_quote!(#krate::__private::Key),
        Returns::Bool => parse_quote!(bool),
        Returns::User => parse_quote!(::core::option::Option<()>),
        Returns::Response => parse_quote!(()),
    }
}

/// After a mistake in the shape: a function under the same name with the signature the builder
/// expects (a method keeps its `self`, a generic function its generics, so that calling it as
/// written adds no error), whose body is the function's own, after its parameters bound as
/// written to `unreachable!()`: the body is type-checked as written, and never run (the crate
/// does not compile).
fn stand_in(kind: &Kind, func: ItemFn, krate: &Path) -> TokenStream {
    let ItemFn {
        mut attrs,
        vis,
        mut sig,
        block,
    } = func;
    let mut stmts: Vec<TokenStream> = typed_params(&sig)
        .into_iter()
        .map(|pt| {
            let (pat_attrs, pat, ty) = (&pt.attrs, &pt.pat, &pt.ty);
            quote! { #(#pat_attrs)* let #pat: #ty = ::core::unreachable!(); }
        })
        .collect();
    let mut inputs: Punctuated<FnArg, syn::Token![,]> = sig
        .inputs
        .iter()
        .filter(|a| matches!(a, FnArg::Receiver(_)))
        .cloned()
        .collect();
    for i in 0..kind.params.len() {
        let name = format_ident!("__jwt_arg{}", i, span = Span::mixed_site());
        let ty = expected_param(kind, i, krate).map_or_else(|| quote!(()), |(ty, _)| ty);
        inputs.push(parse_quote!(#name: &#ty));
    }
    sig.inputs = inputs;
    sig.unsafety = None;
    sig.variadic = None;

    let ret = match &sig.output {
        ReturnType::Type(_, ty) => Some((**ty).clone()),
        ReturnType::Default => None,
    };
    match (sig.asyncness.take(), ret) {
        // The body as it is, returning what it returns.
        (None, Some(_)) => stmts.push(block.into_token_stream()),
        (None, None) => {
            sig.output = ReturnType::Type(Default::default(), fallback_return(kind, krate).into());
            stmts.push(quote! { let _ = #block; ::core::unreachable!() });
        }
        (Some(_), ret) => {
            // The body in an async block, typed with the return type (when it can be named) so
            // that `?` in it still knows what it converts to.
            let body = match &ret {
                Some(ty) if !has_impl(ty) => {
                    let v = syn::Ident::new("__jwt_value", Span::mixed_site());
                    quote! { { let #v: #ty = #block; #v } }
                }
                _ => block.into_token_stream(),
            };
            // What the function returns: its own type, or one the builder accepts (an
            // `impl Trait` is kept in the signature, with a hidden type that satisfies it).
            let value = match &ret {
                Some(ty) if !has_impl(ty) => ty.clone(),
                _ => fallback_return(kind, krate),
            };
            if ret.is_none() {
                sig.output = ReturnType::Type(Default::default(), value.clone().into());
            }
            let v = syn::Ident::new("__jwt_value", Span::mixed_site());
            stmts.push(quote! {
                let _ = async move #body;
                let #v: #value = ::core::unreachable!();
                #v
            });
        }
    }
    attrs.push(parse_quote!(#[allow(unreachable_code, unused_variables)]));
    ItemFn {
        attrs,
        vis,
        sig,
        block: Box::new(parse_quote!({ #(#stmts)* })),
    }
    .into_token_stream()
}
