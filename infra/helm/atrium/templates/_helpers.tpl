{{- define "atrium.fullname" -}}{{ .Release.Name }}-atrium{{- end -}}
{{- define "atrium.labels" -}}
app.kubernetes.io/name: atrium
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "atrium.kcpUrl" -}}
{{- if .Values.apiserver.externalKcpUrl -}}{{ .Values.apiserver.externalKcpUrl }}{{- else -}}http://{{ include "atrium.fullname" . }}-apiserver:{{ .Values.apiserver.port }}{{- end -}}
{{- end -}}
{{- define "atrium.env" -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "atrium.fullname" . }}, key: databaseUrl } }
- name: ATRIUM_KCP_TOKEN
  valueFrom: { secretKeyRef: { name: {{ include "atrium.fullname" . }}, key: kcpToken } }
- name: ATRIUM_KCP_URL
  value: {{ include "atrium.kcpUrl" . | quote }}
- name: ATRIUM_HOME
  value: /tmp/atrium
- name: ATRIUM_SMTP_HOST
  value: {{ .Values.smtp.host | quote }}
- name: ATRIUM_SMTP_PORT
  value: {{ .Values.smtp.port | quote }}
- name: ATRIUM_MAIL_FROM
  value: {{ .Values.smtp.from | quote }}
{{- end -}}
