//! A labelled form field: the label, the control, and the problem beside it, as the dock's forms
//! (the alert rule form, the fault form) show them. [`LabelledField`] wraps any control (a
//! `<select>`); [`TextField`] is the common case of a text input whose draft is checked as it is
//! typed.

use leptos::prelude::*;

/// Which form a field belongs to, which decides its class names: the alert rule form and the fault
/// form are styled apart (`alerts__field`, `report__field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormLook {
    /// The alert rule form: a muted label, a problem line kept in place even when empty.
    Alerts,
    /// The fault form: a plain label, a problem shown (and announced) only when there is one.
    Report,
}

/// How much room a field takes in its row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldWidth {
    #[default]
    Normal,
    Narrow,
    Wide,
}

impl FormLook {
    fn field_class(self, width: FieldWidth) -> &'static str {
        match (self, width) {
            (FormLook::Alerts, FieldWidth::Normal) => "alerts__field",
            (FormLook::Alerts, FieldWidth::Narrow) => "alerts__field alerts__field--narrow",
            (FormLook::Alerts, FieldWidth::Wide) => "alerts__field alerts__field--wide",
            (FormLook::Report, FieldWidth::Normal | FieldWidth::Wide) => "report__field",
            (FormLook::Report, FieldWidth::Narrow) => "report__field report__field--narrow",
        }
    }

    fn label_class(self) -> Option<&'static str> {
        match self {
            FormLook::Alerts => Some("alerts__label"),
            FormLook::Report => None,
        }
    }
}

/// A field's problem and the id of the element that shows it (the control's `aria-describedby`).
#[derive(Clone, Copy)]
pub struct FieldProblem {
    pub problem: Signal<Option<String>>,
    pub id: &'static str,
}

/// A label around `children` (the control), with the problem beside it when `problem` is given.
#[component]
pub fn LabelledField(
    look: FormLook,
    #[prop(optional)] width: FieldWidth,
    #[prop(into)] label: Signal<String>,
    #[prop(optional)] problem: Option<FieldProblem>,
    children: Children,
) -> impl IntoView {
    let problem_view = problem.map(|FieldProblem { problem, id }| match look {
        FormLook::Alerts => {
            view! { <span class="field-error" id=id>{move || problem.get()}</span> }.into_any()
        }
        FormLook::Report => (move || {
            problem.get().map(|message| {
                view! { <span class="report__problem" id=id role="alert">{message}</span> }
            })
        })
        .into_any(),
    });
    view! {
        <label class=look.field_class(width)>
            <span class=look.label_class()>{move || label.get()}</span>
            {children()}
            {problem_view}
        </label>
    }
}

/// A text input in a [`LabelledField`]: text rather than a number input, so a half-typed value can
/// be shown as wrong rather than silently lost.
#[component]
pub fn TextField(
    look: FormLook,
    #[prop(optional)] width: FieldWidth,
    #[prop(into)] label: Signal<String>,
    /// Numbers get the decimal keypad on phones.
    #[prop(optional)]
    decimal: bool,
    value: Signal<String>,
    problem: FieldProblem,
    on_input: Callback<String>,
) -> impl IntoView {
    let invalid = problem.problem;
    let class = move || match look {
        FormLook::Alerts if invalid.with(Option::is_some) => Some("input input--invalid"),
        FormLook::Alerts => Some("input"),
        FormLook::Report => None,
    };
    view! {
        <LabelledField look=look width=width label=label problem=problem>
            <input
                class=class
                type="text"
                inputmode=decimal.then_some("decimal")
                prop:value=move || value.get()
                aria-invalid=move || invalid.with(Option::is_some).to_string()
                aria-describedby=problem.id
                on:input=move |event| on_input.run(event_target_value(&event))
            />
        </LabelledField>
    }
}

/// A form's draft (text until it is checked) and its problems per field: hands each field its text,
/// the callback that writes what is typed, and its problem, so the forms do not wire them by hand.
pub struct FormDraft<D: Send + Sync + 'static, P: Send + Sync + 'static> {
    pub draft: RwSignal<D>,
    pub problems: Signal<P>,
}

impl<D: Send + Sync + 'static, P: Send + Sync + 'static> Clone for FormDraft<D, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Send + Sync + 'static, P: Send + Sync + 'static> Copy for FormDraft<D, P> {}

impl<D: Send + Sync + 'static, P: Send + Sync + 'static> FormDraft<D, P> {
    /// The text of one field of the draft.
    pub fn text(self, read: fn(&D) -> String) -> Signal<String> {
        let draft = self.draft;
        Signal::derive(move || draft.with(read))
    }

    /// Writes what is typed into one field of the draft (nothing once the form is gone).
    pub fn writer(self, field: fn(&mut D, String)) -> Callback<String> {
        let draft = self.draft;
        Callback::new(move |value| {
            draft.try_update(|draft| field(draft, value));
        })
    }

    /// One field's problem, shown in the element with `id`.
    pub fn problem(self, read: fn(&P) -> Option<String>, id: &'static str) -> FieldProblem {
        let problems = self.problems;
        FieldProblem {
            problem: Signal::derive(move || problems.with(read)),
            id,
        }
    }
}
