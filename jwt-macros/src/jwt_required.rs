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
//! The guard is a parts extractor, so it rejects before any body is read; `JwtBody` only
//! reads the body when the token may be in it (the JSON location).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, Expr, ExprArray, ExprLit, FnArg, ItemFn, Lit, LitStr, Path, Type};

use crate::common::{parse_crate_path, Errors};

const OPTIONS: &str =
    "optional, fresh, refresh, verify_type, skip_revocation_check, locations, state, crate";
const LOCATIONS: [(&str, u16); 4] = [
    ("headers", 1),
    ("cookies", 2),
    ("query_string", 3),
    ("json", 4),
];

// Flag bits, as in the runtime's `guard::flags`.
const OPTIONAL: u8 = 1;
const FRESH: u8 = 2;
const REFRESH: u8 = 4;
const NO_VERIFY_TYPE: u8 = 8;
const SKIP_REVOCATION_CHECK: u8 = 16;
const WITH_BODY: u8 = 32;

#[derive(Default)]
struct Args {
    optional: Option<(bool, Span)>,
    fresh: Option<(bool, Span)>,
    refresh: Option<(bool, Span)>,
    verify_type: Option<(bool, Span)>,
    skip_revocation_check: Option<(bool, Span)>,
    locations: Option<(Vec<u16>, Span)>,
    state: Option<Type>,
    krate: Option<Path>,
}

fn did_you_mean(given: &str) -> String {
    let candidates = OPTIONS.split(", ");
    let best = candidates
        .filter(|c| c.starts_with(&given[..given.len().min(3)]) || given.contains(c))
        .next();
    match best {
        Some(b) => format!("; did you mean `{b}`?"),
        None => String::new(),
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
                errors.push(syn::Error::new(
                    other.span(),
                    format!(
                        "`{name}` takes `true` or `false`, e.g. `{name} = true`, or just `{name}`"
                    ),
                ));
                return Ok(());
            }
        }
    } else {
        true
    };
    if slot.is_some() {
        errors.push(syn::Error::new(
            span,
            format!("duplicate option `{name}`; give each option once"),
        ));
    } else {
        *slot = Some((value, span));
    }
    Ok(())
}

fn parse_location(lit: &LitStr, errors: &mut Errors) -> Option<u16> {
    let v = lit.value();
    match LOCATIONS.iter().find(|(n, _)| *n == v) {
        Some((_, code)) => Some(*code),
        None => {
            let hint = match v.as_str() {
                "header" | "authorization" => "; did you mean \"headers\"?",
                "cookie" => "; did you mean \"cookies\"?",
                "query" | "query-string" | "querystring" | "query_params" => {
                    "; did you mean \"query_string\"?"
                }
                "body" | "json_body" => "; did you mean \"json\"?",
                _ => "",
            };
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "unknown token location \"{v}\"; expected one of \"headers\", \"cookies\", \"query_string\", \"json\"{hint}"
                ),
            ));
            None
        }
    }
}

fn parse_locations(expr: Expr, errors: &mut Errors) -> Option<(Vec<u16>, Span)> {
    let span = expr.span();
    let lits: Vec<LitStr> = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => vec![s],
        Expr::Array(ExprArray { elems, .. }) => {
            let mut out = Vec::new();
            for e in elems {
                match e {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => out.push(s),
                    other => errors.push(syn::Error::new(
                        other.span(),
                        "each location must be a string literal: \"headers\", \"cookies\", \"query_string\" or \"json\"",
                    )),
                }
            }
            if out.is_empty() {
                errors.push(syn::Error::new(
                    span,
                    "`locations` cannot be empty; leave it out to use JWT_TOKEN_LOCATION",
                ));
                return None;
            }
            out
        }
        other => {
            errors.push(syn::Error::new(
                other.span(),
                "`locations` takes a string or a list of strings, e.g. `locations = \"cookies\"` or `locations = [\"cookies\", \"headers\"]`",
            ));
            return None;
        }
    };
    let mut codes: Vec<u16> = Vec::new();
    for lit in &lits {
        if let Some(code) = parse_location(lit, errors) {
            if codes.contains(&code) {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("location \"{}\" is listed twice", lit.value()),
                ));
            } else {
                codes.push(code);
            }
        }
    }
    Some((codes, span))
}

fn parse_args(attr: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let Some(ident) = meta.path.get_ident().map(|i| i.to_string()) else {
            errors.push(syn::Error::new(
                meta.path.span(),
                format!("unknown option; expected one of {OPTIONS}"),
            ));
            return Ok(());
        };
        match ident.as_str() {
            "optional" => parse_bool_flag(&meta, "optional", &mut args.optional, errors),
            "fresh" => parse_bool_flag(&meta, "fresh", &mut args.fresh, errors),
            "refresh" => parse_bool_flag(&meta, "refresh", &mut args.refresh, errors),
            "verify_type" => {
                if !meta.input.peek(syn::Token![=]) {
                    errors.push(syn::Error::new(
                        meta.path.span(),
                        "`verify_type` needs a value: `verify_type = false` skips the access/refresh type check",
                    ));
                    return Ok(());
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
                let span = meta.path.span();
                let expr: Expr = meta.value()?.parse()?;
                let parsed = parse_locations(expr, errors);
                if args.locations.is_some() {
                    errors.push(syn::Error::new(
                        span,
                        "duplicate option `locations`; give each option once",
                    ));
                } else if let Some(p) = parsed {
                    args.locations = Some(p);
                }
                Ok(())
            }
            "state" => {
                let span = meta.path.span();
                let ty: Type = match meta.value()?.parse() {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(syn::Error::new(
                            e.span(),
                            "`state` takes the router's state type, e.g. `state = AppState`",
                        ));
                        return Ok(());
                    }
                };
                if args.state.is_some() {
                    errors.push(syn::Error::new(
                        span,
                        "duplicate option `state`; give each option once",
                    ));
                } else {
                    args.state = Some(ty);
                }
                Ok(())
            }
            "crate" => {
                let span = meta.path.span();
                let path = parse_crate_path(&meta)?;
                if args.krate.is_some() {
                    errors.push(syn::Error::new(
                        span,
                        "duplicate option `crate`; give each option once",
                    ));
                } else {
                    args.krate = Some(path);
                }
                Ok(())
            }
            other => {
                errors.push(syn::Error::new(
                    meta.path.span(),
                    format!(
                        "unknown option `{other}`{}; expected one of {OPTIONS}",
                        did_you_mean(other)
                    ),
                ));
                // Skip a value, if any, so the other options are still checked.
                if meta.input.peek(syn::Token![=]) {
                    let _: Expr = meta.value()?.parse()?;
                }
                Ok(())
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

/// The state type named by a `State<T>` parameter, if any.
fn state_param_type(func: &ItemFn) -> Option<Type> {
    func.sig.inputs.iter().find_map(|arg| {
        let FnArg::Typed(pt) = arg else { return None };
        let Type::Path(tp) = &*pt.ty else { return None };
        let seg = tp.path.segments.last()?;
        if seg.ident != "State" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(ab) = &seg.arguments else {
            return None;
        };
        ab.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    })
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_args(attr, &mut errors);
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            errors.push(syn::Error::new(
                Span::call_site(),
                "#[jwt_required] goes on an `async fn` axum handler",
            ));
            let errs = errors.into_compile_errors();
            return quote! { #errs #item };
        }
    };
    if func.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            func.sig.fn_token.span(),
            "#[jwt_required] handlers must be `async fn`: axum handlers are async; write `async fn`",
        ));
    }
    if let Some(FnArg::Receiver(r)) = func.sig.inputs.first() {
        errors.push(syn::Error::new(
            r.span(),
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
    let flag = |slot: Option<(bool, Span)>| slot.is_some_and(|(v, _)| v);
    let mut flags = WITH_BODY;
    if flag(args.optional) {
        flags |= OPTIONAL;
    }
    if flag(args.fresh) {
        flags |= FRESH;
    }
    if flag(args.refresh) {
        flags |= REFRESH;
    }
    if args.verify_type.is_some_and(|(v, _)| !v) {
        flags |= NO_VERIFY_TYPE;
    }
    if flag(args.skip_revocation_check) {
        flags |= SKIP_REVOCATION_CHECK;
    }
    let mut location_bits: u16 = 0;
    if let Some((codes, _)) = &args.locations {
        for (i, code) in codes.iter().enumerate() {
            location_bits |= code << (4 * i);
        }
    }

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
    let state_ty = args.state.clone().or_else(|| {
        // A generic handler's `State<T>` may name a type parameter: nothing to check then.
        if func.sig.generics.params.is_empty() {
            state_param_type(&func)
        } else {
            None
        }
    });

    let guard_ty: Type = syn::parse_quote_spanned! {attr_span=>
        #krate::__private::Guard<#flags, #location_bits>
    };
    // Replace the last parameter by the body wrapper, or add one.
    let last = sig.inputs.pop().map(|p| p.into_value());
    let (body_param, unpack): (FnArg, TokenStream) = match last {
        Some(FnArg::Typed(pt)) => {
            let pat = &pt.pat;
            let ty = &pt.ty;
            (
                parse_quote!(#body_ident: #krate::__private::JwtBody<#ty, #flags, #location_bits>),
                quote! { let (#ctx_ident, #pat) = #guard_ident.finish(#body_ident); },
            )
        }
        _ => (
            parse_quote!(#body_ident: #krate::__private::JwtBody<(), #flags, #location_bits>),
            quote! { let (#ctx_ident, ()) = #guard_ident.finish(#body_ident); },
        ),
    };
    sig.inputs.insert(0, parse_quote!(#guard_ident: #guard_ty));
    sig.inputs.push(body_param);

    let state_check = state_ty.map(|ty| {
        quote_spanned! {ty.span()=>
            const _: () = {
                #[allow(dead_code)]
                fn __jwt_state_has_manager<S>()
                where
                    #krate::__private::JwtManager: #krate::__private::FromRef<S>,
                {
                }
                #[allow(dead_code)]
                fn __jwt_check() {
                    __jwt_state_has_manager::<#ty>();
                }
            };
        }
    });

    quote! {
        #state_check
        #(#attrs)*
        #vis #sig {
            #unpack
            #krate::__private::scope(#ctx_ident, async move #block).await
        }
    }
}
