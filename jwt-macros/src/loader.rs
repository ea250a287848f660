//! The 15 loader attributes (`#[user_lookup_loader]`, `#[token_in_blocklist_loader]`, …).
//!
//! They share one implementation driven by a table of kinds (as tokio's `main` and `test`
//! share theirs): each kind says which parameters the function takes, whether it may be
//! `async`, and what it returns. The attribute checks the signature with spanned errors and
//! emits the function, so it is still an ordinary function you can call and test. An `async`
//! loader on `(header, claims)` is rewritten to take them by value and return a `Send` future,
//! the shape `JwtManagerBuilder` accepts. Register it by name:
//! `JwtManager::builder(config).token_in_blocklist_loader(is_revoked)`.
//!
//! On a mistake in the signature the attribute reports it at the offending token and emits,
//! under the function's name, a stub with the signature the builder expects (whose body is
//! never run: the crate does not compile), with the function as written nested inside it so
//! that its body is still checked and IDEs keep working. Registering the function on the
//! builder then adds no second error. A mistake in the attribute's options alone leaves the
//! function valid, so it is expanded as usual.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{parse_quote, FnArg, Item, ItemFn, Pat, Path, ReturnType, Signature, Type, Visibility};

use crate::common::{closest, item_kind, parse_crate_path, skip_to_comma, Errors};

#[derive(Clone, Copy, PartialEq)]
enum Param {
    /// `&JwtHeader`
    Header,
    /// `&Claims`
    Claims,
    /// `&str`: the error message
    Reason,
    /// `&T`: the identity given to `create_*_token`
    Identity,
}

impl Param {
    fn describe(self) -> &'static str {
        match self {
            Param::Header => "`&JwtHeader`",
            Param::Claims => "`&Claims`",
            Param::Reason => "`&str`",
            Param::Identity => "`&T`",
        }
    }

    /// What the parameter is, for "the first parameter of a … is …".
    fn role(self) -> &'static str {
        match self {
            Param::Header => "the token's header (Flask's `jwt_header`)",
            Param::Claims => "the token's payload (Flask's `jwt_payload`)",
            Param::Reason => "the error message",
            Param::Identity => "the identity passed to `create_access_token`",
        }
    }

    /// The type name the parameter's type must end in (behind `&`).
    fn type_name(self) -> Option<&'static str> {
        match self {
            Param::Header => Some("JwtHeader"),
            Param::Claims => Some("Claims"),
            Param::Reason => Some("str"),
            Param::Identity => None,
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

pub(crate) struct Kind {
    name: &'static str,
    params: &'static [Param],
    may_be_async: bool,
    returns: Returns,
    /// What it returns, for the missing-return-type error.
    returns_doc: &'static str,
    /// The return type to suggest.
    returns_hint: &'static str,
}

const HC: &[Param] = &[Param::Header, Param::Claims];
const REASON: &[Param] = &[Param::Reason];
const IDENTITY: &[Param] = &[Param::Identity];
const RESPONSE: &str = "a response (anything `IntoResponse`)";

pub(crate) const KINDS: &[Kind] = &[
    Kind {
        name: "user_identity_loader",
        params: IDENTITY,
        may_be_async: false,
        returns: Returns::IdentityValue,
        returns_doc: "the identity claim's value (anything `Into<serde_json::Value>`)",
        returns_hint: "-> String",
    },
    Kind {
        name: "additional_claims_loader",
        params: IDENTITY,
        may_be_async: false,
        returns: Returns::JsonValue,
        returns_doc: "a `serde_json::Value` object of extra claims",
        returns_hint: "-> serde_json::Value",
    },
    Kind {
        name: "additional_headers_loader",
        params: IDENTITY,
        may_be_async: false,
        returns: Returns::JsonValue,
        returns_doc: "a `serde_json::Value` object of extra header members",
        returns_hint: "-> serde_json::Value",
    },
    Kind {
        name: "encode_key_loader",
        params: IDENTITY,
        may_be_async: false,
        returns: Returns::Key,
        returns_doc: "the signing `Key`",
        returns_hint: "-> Key",
    },
    Kind {
        name: "decode_key_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Key,
        returns_doc: "the verifying `Key`",
        returns_hint: "-> Key",
    },
    Kind {
        name: "token_in_blocklist_loader",
        params: HC,
        may_be_async: true,
        returns: Returns::Bool,
        returns_doc: "`bool` (true = revoked) or `Result<bool, E>`",
        returns_hint: "-> bool",
    },
    Kind {
        name: "token_verification_loader",
        params: HC,
        may_be_async: true,
        returns: Returns::Bool,
        returns_doc:
            "`bool` (false = 400 \"User claims verification failed\") or `Result<bool, E>`",
        returns_hint: "-> bool",
    },
    Kind {
        name: "user_lookup_loader",
        params: HC,
        may_be_async: true,
        returns: Returns::User,
        returns_doc: "`Option<User>` (None = 401) or `Result<Option<User>, E>`",
        returns_hint: "-> Option<User>",
    },
    Kind {
        name: "expired_token_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "invalid_token_loader",
        params: REASON,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "unauthorized_loader",
        params: REASON,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "needs_fresh_token_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "revoked_token_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "token_verification_failed_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
    Kind {
        name: "user_lookup_error_loader",
        params: HC,
        may_be_async: false,
        returns: Returns::Response,
        returns_doc: RESPONSE,
        returns_hint: "-> impl IntoResponse",
    },
];

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

    /// "(`&JwtHeader`, `&Claims`)".
    fn param_list(&self) -> String {
        let ps: Vec<&str> = self.params.iter().map(|p| p.describe()).collect();
        format!("({})", ps.join(", "))
    }

    /// The whole expected signature, for the messages: `fn name(jwt_header: &JwtHeader, …) -> bool`.
    fn signature(&self, ident: &syn::Ident) -> String {
        let ps: Vec<&str> = self
            .params
            .iter()
            .map(|p| match p {
                Param::Header => "jwt_header: &JwtHeader",
                Param::Claims => "jwt_payload: &Claims",
                Param::Reason => "reason: &str",
                Param::Identity => "identity: &User",
            })
            .collect();
        format!("`fn {ident}({}) {}`", ps.join(", "), self.returns_hint)
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
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// The last segment's name of a path type (`Claims` for `axum_jwt_extended::Claims`).
fn last_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Paren(p) => last_name(&p.elem),
        Type::Group(g) => last_name(&g.elem),
        _ => None,
    }
}

/// Whether `ty` names `param`'s type, behind a reference or not.
fn names(param: Param, ty: &Type) -> bool {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        ty => ty,
    };
    match param.type_name() {
        Some(name) => last_name(ty).as_deref() == Some(name),
        None => true,
    }
}

/// Whether the tokens contain `impl Trait` (a hidden generic in parameter position).
fn has_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => has_impl(g.stream()),
        _ => false,
    })
}

/// Whether a return type can be copied as it is into the stub's signature: no `impl Trait`
/// (the stub's body is `unreachable!()`), no reference or lifetime (the stub's parameters
/// are not the function's), no `_`.
fn stub_safe(tokens: TokenStream) -> bool {
    tokens.into_iter().all(|t| match t {
        TokenTree::Ident(i) => i != "impl" && i != "_",
        TokenTree::Punct(p) => p.as_char() != '&' && p.as_char() != '\'',
        TokenTree::Group(g) => stub_safe(g.stream()),
        TokenTree::Literal(_) => true,
    })
}

/// Whether the tokens name `Self`, which a function nested in the stub cannot.
fn mentions_self_type(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == "Self",
        TokenTree::Group(g) => mentions_self_type(g.stream()),
        _ => false,
    })
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

/// The parameters of a closure doing a loader's job, for the hints (typed, as the token
/// loaders' closures must be), and the arguments passing them on.
fn closure_params(kind: &Kind) -> (&'static str, &'static str) {
    match kind.params {
        HC => ("header: &JwtHeader, claims: &Claims", "header, claims"),
        REASON => ("reason: &str", "reason"),
        _ => ("user: &User", "user"),
    }
}

/// Checks a parameter list that has the right length, one parameter at a time.
fn check_params(kind: &Kind, typed: &[&syn::PatType], errors: &mut Vec<syn::Error>) {
    // (claims, header) instead of (header, claims): one error for both.
    if kind.params == HC
        && typed.len() == 2
        && names(Param::Claims, &typed[0].ty)
        && names(Param::Header, &typed[1].ty)
    {
        errors.push(syn::Error::new_spanned(
            quote! { #(#typed),* },
            format!(
                "the parameters of {} are in the wrong order: the header comes first, \
                 then the payload, as Flask's (jwt_header, jwt_payload); swap them",
                kind.a()
            ),
        ));
        return;
    }
    for (i, (pt, param)) in typed.iter().zip(kind.params).enumerate() {
        let ty = &*pt.ty;
        let position = match (kind.params.len(), i) {
            (1, _) => "the parameter",
            (_, 0) => "the first parameter",
            _ => "the second parameter",
        };
        let message = match (param, ty) {
            (Param::Identity, _) if has_impl(ty.to_token_stream()) => format!(
                "{} cannot be generic: `impl Trait` here is a hidden type parameter; take \
                 a reference to one concrete identity type, e.g. `&User`",
                kind.a()
            ),
            (_, Type::Reference(r)) if r.mutability.is_some() && names(*param, ty) => {
                let elem = &r.elem;
                format!(
                    "{position} of {} is a shared reference, not `&mut`: write `&{}`",
                    kind.a(),
                    source(elem)
                )
            }
            (Param::Reason, Type::Reference(r))
                if last_name(&r.elem).as_deref() == Some("String") =>
            {
                format!(
                    "{position} of {} is the error message as `&str`, not `&String`: write `&str`",
                    kind.a()
                )
            }
            (_, Type::Reference(r))
                if names(*param, ty)
                    && r.lifetime.as_ref().is_some_and(|l| l.ident == "static") =>
            {
                format!(
                    "{position} of {} is borrowed only for the call, not for `'static`: \
                     write `&{}`",
                    kind.a(),
                    source(&r.elem)
                )
            }
            (_, Type::Reference(_)) if names(*param, ty) => continue,
            (Param::Reason, _) if last_name(ty).as_deref() == Some("String") => format!(
                "{position} of {} is the error message, borrowed: write `&str`",
                kind.a()
            ),
            (_, _) if names(*param, ty) => format!(
                "{position} of {} borrows {}: write `&{}`",
                kind.a(),
                param.role(),
                source(ty)
            ),
            _ => format!(
                "{position} of {} is {}: write {} (the parameters are {})",
                kind.a(),
                param.role(),
                param.describe(),
                kind.param_list()
            ),
        };
        errors.push(syn::Error::new_spanned(ty, message));
    }
}

/// Checks the signature: every mistake, each spanned at its tokens, and whether the function
/// must be replaced by a stub (all mistakes but `self`, which a method keeps).
fn check_signature(kind: &Kind, sig: &Signature) -> (Vec<syn::Error>, bool) {
    let mut errors = Vec::new();
    let mut method = false;
    if let Some(asyncness) = sig.asyncness {
        if !kind.may_be_async {
            let when = match kind.returns {
                Returns::Response => "the error response is built synchronously",
                Returns::Key if kind.params == HC => "it is called while the token is decoded",
                _ => "it is called when a token is created, and creating tokens is not async",
            };
            errors.push(syn::Error::new(
                asyncness.span,
                format!(
                    "{} cannot be `async`: {when}; remove `async` (only token_in_blocklist_loader, \
                     token_verification_loader and user_lookup_loader may be async)",
                    kind.a()
                ),
            ));
        }
    }
    if let Some(unsafety) = sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            format!(
                "{} cannot be `unsafe`: it is called as a safe `Fn`; remove `unsafe`",
                kind.a()
            ),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            format!("{} cannot be variadic", kind.a()),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            format!(
                "{} cannot be generic: it is registered by name for concrete types; remove `{}` \
                 and write the types out",
                kind.a(),
                source(&sig.generics)
            ),
        ));
    }

    let receiver = sig.inputs.iter().find_map(|a| match a {
        FnArg::Receiver(r) => Some(r),
        FnArg::Typed(_) => None,
    });
    let typed: Vec<&syn::PatType> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(pt),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let expected = kind.params.len();
    if let Some(r) = receiver {
        let (params, args) = closure_params(kind);
        errors.push(syn::Error::new_spanned(
            r,
            format!(
                "{} is a free function, not a method taking `self`: remove `{}`, or remove \
                 the attribute and register a closure calling the method, e.g. \
                 `.{}(move |{params}| store.{}({args}))`",
                kind.a(),
                source(r),
                kind.name,
                sig.ident,
            ),
        ));
        method = true;
    }
    if typed.len() < expected {
        let have = typed.len();
        let (span_tokens, fix) = match (kind.params, typed.as_slice()) {
            (HC, [only]) if names(Param::Claims, &only.ty) => (
                only.to_token_stream(),
                "add the header before it: `(_jwt_header: &JwtHeader, …)`".to_owned(),
            ),
            (HC, [only]) if names(Param::Header, &only.ty) => (
                only.to_token_stream(),
                "add the payload after it: `(…, jwt_payload: &Claims)`".to_owned(),
            ),
            _ => (
                // The empty `()`.
                {
                    let mut parens = TokenStream::new();
                    sig.paren_token
                        .surround(&mut parens, |t| sig.inputs.to_tokens(t));
                    parens
                },
                format!("write {}", kind.signature(&sig.ident)),
            ),
        };
        errors.push(syn::Error::new_spanned(
            span_tokens,
            format!(
                "{} takes {expected} parameter{} {}, not {have}: {fix}",
                kind.a(),
                if expected == 1 { "" } else { "s" },
                kind.param_list(),
            ),
        ));
    } else if typed.len() > expected {
        let extra = &typed[expected..];
        errors.push(syn::Error::new_spanned(
            quote! { #(#extra),* },
            format!(
                "{} takes {expected} parameter{} {}, not {}: remove {}; to use other \
                 state, register a closure that captures it, e.g. `.{}(move |{}| …)`",
                kind.a(),
                if expected == 1 { "" } else { "s" },
                kind.param_list(),
                typed.len(),
                if extra.len() == 1 {
                    "this parameter"
                } else {
                    "these parameters"
                },
                kind.name,
                closure_params(kind).0,
            ),
        ));
    } else {
        check_params(kind, &typed, &mut errors);
    }

    if let ReturnType::Default = sig.output {
        errors.push(syn::Error::new(
            sig.paren_token.span.close(),
            format!(
                "{} must return {}: add a return type, e.g. `{}`",
                kind.a(),
                kind.returns_doc,
                kind.returns_hint
            ),
        ));
    }
    let stub = errors.len() > usize::from(method);
    (errors, stub)
}

/// A return type the builder accepts for this kind, for the stub when the function's own
/// cannot be used.
fn fallback_return(kind: &Kind, krate: &Path) -> Type {
    match kind.returns {
        Returns::IdentityValue => parse_quote!(::std::string::String),
        // `serde_json::Value`, named through the facade (the user's crate may not depend on
        // serde_json): `Claims` derefs to a `Map<String, Value>`, indexed by `&str`.
        Returns::JsonValue => parse_quote!(
            <<#krate::Claims as ::core::ops::Deref>::Target as ::core::ops::Index<&'static str>>::Output
        ),
        Returns::Key => parse_quote!(#krate::Key),
        Returns::Bool => parse_quote!(bool),
        Returns::User => parse_quote!(::core::option::Option<()>),
        Returns::Response => parse_quote!(()),
    }
}

/// A function with the signature the builder expects, under the function's name, so that
/// registering it adds no error to the one reported (a method keeps its `self`). The function
/// as written is nested inside when it can be (no `self`, no `Self`), so its body is still
/// type-checked.
fn stub(kind: &Kind, func: ItemFn, krate: &Path) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &generics.where_clause;
    let typed: Vec<&Type> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(&*pt.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    // The function's own parameter type where it names the right type (so its imports stay
    // used), made a shared reference; else the type the builder expects.
    let params = kind.params.iter().enumerate().map(|(i, p)| {
        match typed.get(i) {
            Some(ty) if names(*p, ty) && !has_impl(ty.to_token_stream()) => match ty {
                Type::Reference(r) => {
                    let elem = &r.elem;
                    return quote!(_: &#elem);
                }
                ty => return quote!(_: &#ty),
            },
            _ => {}
        }
        match p {
            Param::Header => quote!(_: &#krate::JwtHeader),
            Param::Claims => quote!(_: &#krate::Claims),
            Param::Reason => quote!(_: &::core::primitive::str),
            Param::Identity => quote!(_: &()),
        }
    });
    let ret: Type = match &sig.output {
        ReturnType::Type(_, ty) if stub_safe(ty.to_token_stream()) => (**ty).clone(),
        _ => fallback_return(kind, krate),
    };
    let receiver = sig.inputs.iter().find_map(|a| match a {
        FnArg::Receiver(r) => Some(quote!(#r,)),
        FnArg::Typed(_) => None,
    });
    let has_receiver = receiver.is_some();
    let nested = if has_receiver
        || mentions_self_type(sig.to_token_stream())
        || mentions_self_type(block.to_token_stream())
    {
        None
    } else {
        let mut sig = sig.clone();
        if let ReturnType::Default = sig.output {
            // Whatever the body returns, without a second "mismatched types" error.
            sig.output = parse_quote!(-> impl ::core::marker::Sized);
        }
        let original = ItemFn {
            attrs: vec![parse_quote!(#[allow(dead_code, clippy::all)])],
            vis: Visibility::Inherited,
            sig,
            block: block.clone(),
        };
        Some(original)
    };
    quote! {
        #(#attrs)*
        #vis fn #ident #generics (#receiver #(#params),*) -> #ret #where_clause {
            #nested
            ::core::unreachable!()
        }
    }
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
    expand_fn(kind, errors, func, &krate)
}

fn expand_fn(kind: &Kind, mut errors: Errors, func: ItemFn, krate: &Path) -> TokenStream {
    let (mistakes, needs_stub) = check_signature(kind, &func.sig);
    let wrong = !mistakes.is_empty();
    for e in mistakes {
        errors.push(e);
    }
    if needs_stub {
        let errs = errors.into_compile_errors();
        let stub = stub(kind, func, krate);
        return quote! { #errs #stub };
    }
    // Only the options (or `self`) were wrong, if anything: the function is expanded as usual.
    let errs = errors.into_compile_errors();
    if func.sig.asyncness.is_none() || wrong {
        return quote! { #errs #func };
    }

    // An async (header, claims) loader: take the arguments by value, return a Send future.
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let ident = &sig.ident;
    let ret = match &sig.output {
        ReturnType::Type(_, t) => t.clone(),
        ReturnType::Default => parse_quote!(()),
    };
    let owned = [
        syn::Ident::new("__jwt_header", Span::mixed_site()),
        syn::Ident::new("__jwt_claims", Span::mixed_site()),
    ];
    let mut binds = Vec::new();
    for (arg, owned) in sig.inputs.iter().zip(&owned) {
        if let FnArg::Typed(pt) = arg {
            let pat: &Pat = &pt.pat;
            let ty = &pt.ty;
            binds.push(quote! { let #pat: #ty = &#owned; });
        }
    }
    let [h, c] = &owned;
    // Spanned at `async`, so that a future that is not `Send` is reported there.
    let span = sig.asyncness.map_or_else(Span::call_site, |a| a.span);
    let future = quote_spanned! {span=>
        impl ::core::future::Future<Output = #ret> + ::core::marker::Send + 'static
    };
    let body = quote_spanned! {span=>
        async move {
            #(#binds)*
            #block
        }
    };
    quote! {
        #errs
        #(#attrs)*
        #vis fn #ident(
            #h: #krate::JwtHeader,
            #c: #krate::Claims,
        ) -> #future {
            #body
        }
    }
}
