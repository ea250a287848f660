//! `#[jwt_required(...)]`: parses and validates the arguments, then rewrites the handler.
//!
//! ```text
//! #[jwt_required(fresh)]
//! async fn h(State(s): State<App>, Json(b): Json<Body>) -> R { BODY }
//! ```
//! becomes
//! ```text
//! async fn h(
//!     __jwt_guard: ::axum_jwt_extended::__private::Guard<FLAGS, LOCATIONS>,
//!     State(s): State<App>,
//!     __jwt_body: ::axum_jwt_extended::__private::JwtBody<Json<Body>, FLAGS, LOCATIONS>,
//! ) -> R {
//!     let (__jwt_ctx, Json(b)) = __jwt_guard.finish(__jwt_body);
//!     ::axum_jwt_extended::__private::scope(__jwt_ctx, async move { BODY }).await
//! }
//! ```
//! where `FLAGS` is `{ __private::flags::WITH_BODY | __private::flags::FRESH }` and
//! `LOCATIONS` is `{ __private::encode_locations(&[__private::Location::Cookies, …]) }`: the
//! runtime's own constants, so the macro holds no copy of them.
//! The guard is a parts extractor, so it rejects before any body is read; `JwtBody` only
//! reads the body when the token may be in it (the JSON location). A handler without
//! parameters, or whose last parameter is `State<T>`, gets `JwtBody<(), …>` appended instead
//! (so `#[axum::debug_handler]` placed below still sees the `State<T>` and infers the state).
//!
//! The router's state is never guessed from a `State<T>` parameter: `T` may be a sub-state
//! (`State<Db>` with `Db: FromRef<AppState>`), an `Arc<AppState>` or a type parameter, and
//! rustc judges the guard's `JwtState` bound against the real router. `state = T` (needed
//! for a claims check that takes a part of the state) adds a probe `T: JwtState`, spanned at
//! `T`, whose error says to put a `JwtManager` in the state.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, Expr, ExprArray, ExprLit, FnArg, Item, ItemFn, Lit, LitStr, Path, Type};

use crate::common::{closest, item_kind, parse_crate_path, skip_to_comma, Errors};

const OPTION_NAMES: [&str; 10] = [
    "optional",
    "fresh",
    "refresh",
    "verify_type",
    "skip_revocation_check",
    "locations",
    "check",
    "state",
    "crate",
    "max_auth_age",
];
const OPTIONS: &str =
    "`optional`, `fresh`, `refresh`, `verify_type`, `skip_revocation_check`, `locations`, `check`, `state`, `crate`, `max_auth_age`";
/// The location names of `locations = …`, and the runtime's `Location` variants they name.
const LOCATIONS: [(&str, &str); 4] = [
    ("headers", "Headers"),
    ("cookies", "Cookies"),
    ("query_string", "QueryString"),
    ("json", "Json"),
];

#[derive(Default)]
struct Args {
    optional: Option<(bool, Span)>,
    fresh: Option<(bool, Span)>,
    refresh: Option<(bool, Span)>,
    verify_type: Option<(bool, Span)>,
    skip_revocation_check: Option<(bool, Span)>,
    locations: Option<(Vec<&'static str>, Span)>,
    check: Option<Expr>,
    state: Option<Type>,
    krate: Option<Path>,
    /// `max_auth_age = <seconds>`: step-up.
    max_auth_age: Option<(u32, Span)>,
}

fn unknown_option_message(given: &str) -> String {
    match closest(given, OPTION_NAMES) {
        Some(b) => format!("unknown option `{given}`: did you mean `{b}`? (options: {OPTIONS})"),
        None => format!("unknown option `{given}` (options: {OPTIONS})"),
    }
}

/// An option that needs `= value` was given without one: reports it and skips the rest.
fn missing_value(
    meta: &syn::meta::ParseNestedMeta<'_>,
    name: &str,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(false);
    }
    errors.push(syn::Error::new(
        meta.path.span(),
        format!("`{name}` needs a value, e.g. `{example}`"),
    ));
    skip_to_comma(meta.input)?;
    Ok(true)
}

/// Stores an option's value, or reports that it is given twice.
fn set_once<T>(slot: &mut Option<T>, value: T, span: Span, name: &str, errors: &mut Errors) {
    if slot.is_some() {
        errors.push(syn::Error::new(
            span,
            format!("duplicate option `{name}`; give each option once"),
        ));
    } else {
        *slot = Some(value);
    }
}

fn parse_bool_flag(
    meta: &syn::meta::ParseNestedMeta<'_>,
    name: &str,
    slot: &mut Option<(bool, Span)>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let span = meta.path.span();
    let value = if meta.input.peek(syn::Token![=]) {
        let expr: Expr = meta.value()?.parse()?;
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => b.value,
            other => {
                let msg = match &other {
                    Expr::Path(p) if p.path.is_ident("True") || p.path.is_ident("False") => {
                        let lower = if p.path.is_ident("True") { "true" } else { "false" };
                        format!("Rust booleans are lowercase: write `{name} = {lower}`")
                    }
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) if s.value() == "true" || s.value() == "false" => {
                        format!("write the boolean without quotes: `{name} = {}`", s.value())
                    }
                    _ if name == "verify_type" => {
                        "`verify_type` takes `true` or `false`: `verify_type = false` skips the access/refresh type check".to_owned()
                    }
                    _ => format!(
                        "`{name}` takes `true` or `false`: write `{name}` (same as `{name} = true`) or `{name} = false`"
                    ),
                };
                errors.push(syn::Error::new_spanned(&other, msg));
                return Ok(());
            }
        }
    } else {
        true
    };
    set_once(slot, (value, span), span, name, errors);
    Ok(())
}

fn parse_location(lit: &LitStr, errors: &mut Errors) -> Option<&'static str> {
    let v = lit.value();
    match LOCATIONS.iter().find(|(n, _)| *n == v) {
        Some((_, variant)) => Some(*variant),
        None => {
            let suggestion = match v.as_str() {
                "header" | "authorization" | "Authorization" => Some("headers"),
                "cookie" => Some("cookies"),
                "query" | "query-string" | "querystring" | "query_params" | "params" => {
                    Some("query_string")
                }
                "body" | "json_body" => Some("json"),
                _ => closest(&v, LOCATIONS.iter().map(|(n, _)| *n)),
            };
            let hint = suggestion
                .map(|s| format!(": did you mean \"{s}\"?"))
                .unwrap_or_default();
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "unknown token location \"{v}\"{hint} (locations: \"headers\", \"cookies\", \"query_string\", \"json\")"
                ),
            ));
            None
        }
    }
}

fn parse_locations(expr: Expr, errors: &mut Errors) -> Option<(Vec<&'static str>, Span)> {
    let span = expr.span();
    let elems: Vec<Expr> = match expr {
        lit @ Expr::Lit(ExprLit {
            lit: Lit::Str(_), ..
        }) => vec![lit],
        Expr::Array(ExprArray { elems, .. }) => elems.into_iter().collect(),
        other => {
            errors.push(syn::Error::new_spanned(
                &other,
                "`locations` takes a string or a list of strings, e.g. `locations = \"cookies\"` or `locations = [\"cookies\", \"headers\"]`",
            ));
            return None;
        }
    };
    if elems.is_empty() {
        errors.push(syn::Error::new(
            span,
            "`locations` cannot be empty; leave it out to use JWT_TOKEN_LOCATION",
        ));
        return None;
    }
    let mut variants: Vec<&str> = Vec::new();
    let mut ok = true;
    for elem in elems {
        let lit = match elem {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => s,
            other => {
                ok = false;
                let msg = match &other {
                    Expr::Path(p) => p.path.get_ident().map(|i| {
                        format!("locations are string literals: write \"{i}\" in quotes")
                    }),
                    _ => None,
                }
                .unwrap_or_else(|| {
                    "each location must be a string literal: \"headers\", \"cookies\", \"query_string\" or \"json\"".to_owned()
                });
                errors.push(syn::Error::new_spanned(&other, msg));
                continue;
            }
        };
        match parse_location(&lit, errors) {
            Some(variant) if variants.contains(&variant) => {
                ok = false;
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "location \"{}\" is listed twice; give each location once",
                        lit.value()
                    ),
                ));
            }
            Some(variant) => variants.push(variant),
            None => ok = false,
        }
    }
    ok.then_some((variants, span))
}

fn parse_args(attr: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let Some(ident) = meta.path.get_ident().map(|i| i.to_string()) else {
            errors.push(syn::Error::new_spanned(
                &meta.path,
                format!("unknown option (options: {OPTIONS})"),
            ));
            return skip_to_comma(meta.input);
        };
        match ident.as_str() {
            "optional" => parse_bool_flag(&meta, "optional", &mut args.optional, errors),
            "fresh" => parse_bool_flag(&meta, "fresh", &mut args.fresh, errors),
            "refresh" => parse_bool_flag(&meta, "refresh", &mut args.refresh, errors),
            "verify_type" => {
                if !meta.input.peek(syn::Token![=]) {
                    errors.push(syn::Error::new(
                        meta.path.span(),
                        "`verify_type` needs a value: `verify_type = false` skips the access/refresh type check (checking is the default)",
                    ));
                    return skip_to_comma(meta.input);
                }
                parse_bool_flag(&meta, "verify_type", &mut args.verify_type, errors)
            }
            "skip_revocation_check" => parse_bool_flag(
                &meta,
                "skip_revocation_check",
                &mut args.skip_revocation_check,
                errors,
            ),
            "locations" => {
                if missing_value(&meta, "locations", "locations = \"cookies\"", errors)? {
                    return Ok(());
                }
                let span = meta.path.span();
                let expr: Expr = meta.value()?.parse()?;
                if let Some(p) = parse_locations(expr, errors) {
                    set_once(&mut args.locations, p, span, "locations", errors);
                }
                Ok(())
            }
            "max_auth_age" => {
                if missing_value(&meta, "max_auth_age", "max_auth_age = 300", errors)? {
                    return Ok(());
                }
                let span = meta.path.span();
                let expr: Expr = meta.value()?.parse()?;
                let hint = "`max_auth_age` takes the login's maximum age in whole seconds, from 1 to 4294967295: `max_auth_age = 300`";
                match &expr {
                    Expr::Lit(ExprLit {
                        lit: Lit::Int(i), ..
                    }) if !i.suffix().is_empty() => errors.push(syn::Error::new(
                        i.span(),
                        format!(
                            "write a plain number of seconds: `max_auth_age = {}`",
                            i.base10_digits()
                        ),
                    )),
                    Expr::Lit(ExprLit {
                        lit: Lit::Int(i), ..
                    }) => match i.base10_parse::<u32>() {
                        Ok(0) => errors.push(syn::Error::new(
                            i.span(),
                            "`max_auth_age = 0` accepts no login: give the maximum age in seconds, at least 1, e.g. `max_auth_age = 300`",
                        )),
                        Ok(n) => set_once(&mut args.max_auth_age, (n, span), span, "max_auth_age", errors),
                        Err(_) => errors.push(syn::Error::new(i.span(), hint)),
                    },
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => errors.push(syn::Error::new(
                        s.span(),
                        format!("write the number without quotes: `max_auth_age = {}`", s.value()),
                    )),
                    other => errors.push(syn::Error::new_spanned(other, hint)),
                }
                Ok(())
            }
            "check" => {
                if missing_value(&meta, "check", "check = is_admin", errors)? {
                    return Ok(());
                }
                let span = meta.path.span();
                let expr: Expr = meta.value()?.parse()?;
                if let Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) = &expr
                {
                    errors.push(syn::Error::new(
                        s.span(),
                        format!(
                            "`check` takes the check function itself, not a string: write `check = {}`",
                            s.value()
                        ),
                    ));
                    return Ok(());
                }
                set_once(&mut args.check, expr, span, "check", errors);
                Ok(())
            }
            "state" => {
                if missing_value(&meta, "state", "state = AppState", errors)? {
                    return Ok(());
                }
                let span = meta.path.span();
                let value = meta.value()?;
                if value.peek(LitStr) {
                    let s: LitStr = value.parse()?;
                    errors.push(syn::Error::new(
                        s.span(),
                        format!(
                            "`state` takes the router's state type, not a string: write `state = {}`",
                            s.value()
                        ),
                    ));
                    return Ok(());
                }
                let ty: Type = match value.parse() {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(syn::Error::new(
                            e.span(),
                            "`state` takes the router's state type, e.g. `state = AppState`",
                        ));
                        return skip_to_comma(value);
                    }
                };
                set_once(&mut args.state, ty, span, "state", errors);
                Ok(())
            }
            "crate" => {
                if missing_value(&meta, "crate", "crate = axum_jwt_extended", errors)? {
                    return Ok(());
                }
                let span = meta.path.span();
                let path = match parse_crate_path(&meta) {
                    Ok(p) => p,
                    Err(e) => {
                        errors.push(syn::Error::new(
                            e.span(),
                            "`crate` takes the path of the axum-jwt-extended crate, e.g. `crate = axum_jwt_extended` or `crate = \"my_reexport::jwt\"`",
                        ));
                        return skip_to_comma(meta.input);
                    }
                };
                set_once(&mut args.krate, path, span, "crate", errors);
                Ok(())
            }
            other => {
                errors.push(syn::Error::new(
                    meta.path.span(),
                    unknown_option_message(other),
                ));
                // Skip a value, if any, so the other options are still checked.
                skip_to_comma(meta.input)
            }
        }
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(e);
    }
    if let (Some((true, fspan)), Some((true, _))) = (args.fresh, args.refresh) {
        errors.push(syn::Error::new(
            fspan,
            "`fresh` and `refresh` cannot be combined: refresh tokens are never fresh; use `fresh` on access-token routes only",
        ));
    }
    args
}

/// `State<T>`: a parts extractor, so never the body-consuming last parameter.
fn is_state_extractor(ty: &Type) -> bool {
    let Type::Path(tp) = ty else { return false };
    tp.qself.is_none()
        && tp.path.segments.last().is_some_and(|seg| {
            seg.ident == "State" && matches!(seg.arguments, syn::PathArguments::AngleBracketed(_))
        })
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_args(attr, &mut errors);
    let func: ItemFn = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(f)) => f,
        parsed => {
            let (span, what) = match &parsed {
                Ok(other) => item_kind(other),
                Err(_) => (Span::call_site(), "this item"),
            };
            errors.push(syn::Error::new(
                span,
                format!("#[jwt_required] goes on an `async fn` axum handler, not on {what}"),
            ));
            let errs = errors.into_compile_errors();
            return quote! { #errs #item };
        }
    };
    if func.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            func.sig.fn_token.span(),
            format!(
                "#[jwt_required] handlers must be `async fn`, as axum handlers are: write `async fn {}`",
                func.sig.ident
            ),
        ));
    }
    if let Some(FnArg::Receiver(r)) = func.sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            r,
            "#[jwt_required] cannot be used on a method taking `self`: axum handlers are free functions or associated functions without `self`",
        ));
    }
    if func.sig.variadic.is_some() {
        errors.push(syn::Error::new(
            func.sig.variadic.span(),
            "#[jwt_required] handlers cannot be variadic",
        ));
    }
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    }

    let krate: Path = args
        .krate
        .clone()
        .unwrap_or_else(|| parse_quote!(::axum_jwt_extended));
    // The runtime's own flag bits and location codes, named through `__private`.
    let on = |slot: Option<(bool, Span)>| slot.is_some_and(|(v, _)| v);
    let flags = [
        ("WITH_BODY", true),
        ("OPTIONAL", on(args.optional)),
        ("FRESH", on(args.fresh)),
        ("REFRESH", on(args.refresh)),
        ("NO_VERIFY_TYPE", args.verify_type.is_some_and(|(v, _)| !v)),
        ("SKIP_REVOCATION_CHECK", on(args.skip_revocation_check)),
    ]
    .into_iter()
    .filter(|(_, set)| *set)
    .map(|(name, _)| syn::Ident::new(name, Span::call_site()));
    let flags = quote! { { #(#krate::__private::flags::#flags)|* } };
    let variants = args.locations.iter().flat_map(|(names, _)| names);
    let variants = variants.map(|v| syn::Ident::new(v, Span::call_site()));
    let locations = quote! {
        { #krate::__private::encode_locations(&[#(#krate::__private::Location::#variants),*]) }
    };

    let guard_ident = syn::Ident::new("__jwt_guard", Span::mixed_site());
    let body_ident = syn::Ident::new("__jwt_body", Span::mixed_site());
    let ctx_ident = syn::Ident::new("__jwt_ctx", Span::mixed_site());
    let attr_span = args
        .locations
        .as_ref()
        .map(|(_, s)| *s)
        .unwrap_or_else(Span::call_site);

    let ItemFn {
        attrs,
        vis,
        mut sig,
        block,
    } = func.clone();

    // A claims check becomes a type the guard carries: a unit struct next to the handler
    // whose `RouteCheck` implementation calls the check (for the named state type, or for any
    // state when the check needs none).
    let (check_ty, check_item) = match &args.check {
        None => (quote! { #krate::__private::NoCheck }, quote! {}),
        Some(check) => {
            let name = quote::format_ident!("__jwt_check_{}", func.sig.ident);
            let call_state = if args.state.is_some() {
                quote! { state }
            } else {
                quote! { &() }
            };
            let call = quote_spanned! {check.span()=>
                #krate::__private::run_check(&(#check), claims, #call_state)
            };
            let (impl_generics, state_ty) = match &args.state {
                Some(ty) => (quote! {}, quote! { #ty }),
                None => (
                    quote! { <S: ::core::marker::Send + ::core::marker::Sync> },
                    quote! { S },
                ),
            };
            let item = quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                #vis struct #name;
                impl #impl_generics #krate::__private::RouteCheck<#state_ty> for #name {
                    fn run(
                        claims: &#krate::__private::Claims,
                        state: &#state_ty,
                    ) -> ::core::option::Option<#krate::__private::CheckFuture> {
                        let _ = state;
                        ::core::option::Option::Some(#call)
                    }
                }
            };
            (quote! { #name }, item)
        }
    };
    let age = args.max_auth_age.map_or(0, |(n, _)| n);
    let age = quote! { #age };
    let guard_ty: Type = syn::parse_quote_spanned! {attr_span=>
        #krate::__private::Guard<#flags, #locations, #check_ty, #age>
    };
    // Replace the last parameter by the body wrapper, or add one. A trailing `State<T>` stays
    // as it is (it is never a body extractor), so that `#[axum::debug_handler]` below this
    // attribute still sees it and infers the router state from it.
    let last = sig.inputs.pop().map(|p| p.into_value());
    let last = match last {
        Some(FnArg::Typed(pt)) if is_state_extractor(&pt.ty) => {
            sig.inputs.push(FnArg::Typed(pt));
            None
        }
        other => other,
    };
    let (body_param, unpack): (FnArg, TokenStream) = match last {
        Some(FnArg::Typed(pt)) => {
            let pat = &pt.pat;
            let ty = &pt.ty;
            (
                parse_quote!(#body_ident: #krate::__private::JwtBody<#ty, #flags, #locations, #check_ty, #age>),
                quote! { let (#ctx_ident, #pat) = #guard_ident.finish(#body_ident); },
            )
        }
        _ => (
            parse_quote!(#body_ident: #krate::__private::JwtBody<(), #flags, #locations, #check_ty, #age>),
            quote! { let (#ctx_ident, ()) = #guard_ident.finish(#body_ident); },
        ),
    };
    sig.inputs.insert(0, parse_quote!(#guard_ident: #guard_ty));
    sig.inputs.push(body_param);

    let state_check = args.state.as_ref().map(|ty| {
        quote_spanned! {ty.span()=>
            const _: () = {
                #[allow(dead_code)]
                fn __jwt_state_has_manager<S: #krate::__private::JwtState>() {}
                #[allow(dead_code)]
                fn __jwt_check() {
                    __jwt_state_has_manager::<#ty>();
                }
            };
        }
    });

    quote! {
        #state_check
        #check_item
        #(#attrs)*
        #vis #sig {
            #unpack
            #krate::__private::scope(#ctx_ident, async move #block).await
        }
    }
}
