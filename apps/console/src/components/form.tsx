'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId } from 'react';
import { ApiError } from './api-client';

export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <div className="error" id={id} role="alert">
      {messages.join(' ')}
    </div>
  );
}

interface FieldProps {
  label: string;
  name: string;
  type?: string;
  defaultValue?: string;
  value?: string;
  onChange?: (value: string) => void;
  required?: boolean;
  autoComplete?: string;
  hint?: ReactNode;
  errors?: string[] | undefined;
  minLength?: number;
  maxLength?: number;
  readOnly?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
}

/** A labelled input whose server-side validation message appears under it. */
export function Field(p: FieldProps) {
  const id = useId();
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [p.errors?.length ? errId : null, p.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{p.label}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        {...(p.value !== undefined ? { value: p.value, onChange: (e) => p.onChange?.(e.target.value) } : { defaultValue: p.defaultValue })}
        required={p.required}
        autoComplete={p.autoComplete}
        minLength={p.minLength}
        maxLength={p.maxLength}
        readOnly={p.readOnly}
        placeholder={p.placeholder}
        // biome-ignore lint/a11y/noAutofocus: the first field of a single-purpose page.
        autoFocus={p.autoFocus}
        aria-invalid={p.errors?.length ? true : undefined}
        aria-describedby={described}
      />
      {p.hint ? (
        <div className="hint" id={hintId}>
          {p.hint}
        </div>
      ) : null}
      <FieldError id={errId} messages={p.errors} />
    </div>
  );
}

/**
 * A form posted through react-query: `submit` receives the form's values;
 * server errors show as a banner plus per-field messages.
 */
export function useApiForm<T>(submit: (values: Record<string, string>) => Promise<T>, onSuccess?: (data: T) => void) {
  const mutation = useMutation({ mutationFn: submit, ...(onSuccess ? { onSuccess } : {}) });
  const error = mutation.error instanceof ApiError ? mutation.error : mutation.error ? new ApiError(0, 'INTERNAL', 'Something went wrong.') : null;
  return {
    onSubmit(e: FormEvent<HTMLFormElement>) {
      e.preventDefault();
      const values = Object.fromEntries([...new FormData(e.currentTarget).entries()].map(([k, v]) => [k, String(v)]));
      mutation.mutate(values);
    },
    pending: mutation.isPending,
    error,
    fields: error?.fields ?? {},
    data: mutation.data,
    succeeded: mutation.isSuccess,
    reset: mutation.reset,
  };
}

export function FormError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div className="alert error" role="alert">
      {error.message}
    </div>
  );
}
