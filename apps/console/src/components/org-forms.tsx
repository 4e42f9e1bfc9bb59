'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from './api-client';
import { Field, FormError, useApiForm } from './form';

/** Mirrors the server's slug rule closely enough to suggest one; the server decides. */
export function suggestSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export function CreateOrgForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const form = useApiForm(
    (v) => api<{ slug: string }>('/orgs', { method: 'POST', body: { name: v.name, slug: v.slug } }),
    (org) => {
      router.push(`/o/${org.slug}`);
      router.refresh();
    },
  );
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Create organisation">
      <FormError error={form.error} />
      <Field
        label="Name"
        name="name"
        required
        maxLength={80}
        value={name}
        onChange={(v) => {
          setName(v);
          if (!slugTouched) setSlug(suggestSlug(v));
        }}
        errors={form.fields.name}
        autoFocus
      />
      <Field
        label="Slug"
        name="slug"
        required
        maxLength={40}
        value={slug}
        onChange={(v) => {
          setSlugTouched(true);
          setSlug(v);
        }}
        errors={form.fields.slug}
        hint={
          <>
            Used in URLs and cluster paths: <span className="mono">/o/{slug || 'your-org'}</span>. Lower-case letters, digits and dashes.
          </>
        }
      />
      <button className="primary" type="submit" disabled={form.pending}>
        {form.pending ? 'Creating…' : 'Create organisation'}
      </button>
    </form>
  );
}
