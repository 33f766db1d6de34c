//! A labelled form field: the label, the control (with its unit and a line of help), and the problem
//! beside it, as the dock's forms (the alert rule form, the fault form) and the inspector show them.
//! [`LabelledField`] wraps any control (a `<select>`, a checkbox, an input that commits on Enter);
//! [`TextField`] is the common case of a text input whose draft is checked as it is typed.

use leptos::prelude::*;

/// Which form a field belongs to, which decides its class names: the alert rule form, the fault form
/// and the inspector are styled apart (`alerts__field`, `report__field`, `field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormLook {
    /// The alert rule form: a muted label, a problem line kept in place even when empty.
    Alerts,
    /// The fault form: a plain label, a problem shown (and announced) only when there is one.
    Report,
    /// The inspector: a muted label, a problem shown (and announced) only when there is one, and,
    /// the panel being long, scrolled into view when it appears.
    Inspector,
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
            (FormLook::Inspector, FieldWidth::Normal | FieldWidth::Wide) => "field",
            (FormLook::Inspector, FieldWidth::Narrow) => "field field--narrow",
        }
    }

    fn label_class(self) -> Option<&'static str> {
        match self {
            FormLook::Alerts => Some("alerts__label"),
            FormLook::Report => None,
            FormLook::Inspector => Some("field__label"),
        }
    }

    fn problem_class(self) -> &'static str {
        match self {
            FormLook::Alerts | FormLook::Inspector => "field-error",
            FormLook::Report => "report__problem",
        }
    }
}

/// A field's problem and the id of the element that shows it (the control's `aria-describedby`).
#[derive(Clone)]
pub struct FieldProblem {
    pub problem: Signal<Option<String>>,
    pub id: String,
}

/// A label around `children` (the control), with the problem beside it when `problem` is given.
#[component]
pub fn LabelledField(
    look: FormLook,
    #[prop(optional)] width: FieldWidth,
    #[prop(into)] label: Signal<String>,
    #[prop(optional)] problem: Option<FieldProblem>,
    /// The control's unit ("ms"): the control and its unit then share a row, even when it is "".
    #[prop(optional)]
    unit: Option<&'static str>,
    /// A sentence under the control saying what the value does.
    #[prop(optional_no_strip)]
    help: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let row = NodeRef::<leptos::html::Label>::new();
    if look == FormLook::Inspector
        && let Some(problem) = problem.as_ref().map(|problem| problem.problem)
    {
        // A refused value's message must be seen even when the field sits low in a long panel.
        Effect::new(move |_| {
            if problem.with(Option::is_some)
                && let Some(row) = row.get_untracked()
            {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                row.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    let class = look.problem_class();
    let problem_view = problem.map(|FieldProblem { problem, id }| match look {
        FormLook::Alerts => {
            view! { <span class=class id=id>{move || problem.get()}</span> }.into_any()
        }
        FormLook::Report | FormLook::Inspector => (move || {
            let id = id.clone();
            problem
                .get()
                .map(|message| view! { <span class=class id=id role="alert">{message}</span> })
        })
        .into_any(),
    });
    let control = match unit {
        Some(unit) => view! {
            <span class="field__control">
                {children()}
                <span class="field__unit">{unit}</span>
            </span>
        }
        .into_any(),
        None => children().into_any(),
    };
    view! {
        <label class=look.field_class(width) node_ref=row>
            <span class=look.label_class()>{move || label.get()}</span>
            {control}
            {help.map(|help| view! { <span class="field__help">{help}</span> })}
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
    let described_by = problem.id.clone();
    let class = move || match look {
        FormLook::Alerts | FormLook::Inspector if invalid.with(Option::is_some) => {
            Some("input input--invalid")
        }
        FormLook::Alerts | FormLook::Inspector => Some("input"),
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
                aria-describedby=described_by
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
            id: id.to_owned(),
        }
    }
}
