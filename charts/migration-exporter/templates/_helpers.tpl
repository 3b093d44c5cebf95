{{/* The chart's name, or nameOverride. */}}
{{- define "migration-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The objects' name: fullnameOverride, else the release name, with the chart
name appended unless the release name holds it already.
*/}}
{{- define "migration-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "migration-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "migration-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "migration-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "migration-exporter.labels" -}}
helm.sh/chart: {{ include "migration-exporter.chart" . }}
{{ include "migration-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "migration-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "migration-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "migration-exporter.image" -}}
{{- .Values.image.repository }}
{{- if .Values.image.digest }}@{{ .Values.image.digest }}
{{- else }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/* The headless Service that gives each sharded replica its DNS name. */}}
{{- define "migration-exporter.headlessName" -}}
{{- printf "%s-headless" (include "migration-exporter.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The config as rendered into the ConfigMap, after checking it: at least one
account, no credential inline (a ${VAR} reference is allowed; the schema
refuses the rest too, this says why even with --skip-schema-validation),
and a Secret to read the credential files from when a file is under its
mount.
*/}}
{{- define "migration-exporter.config" -}}
{{- $config := .Values.config | default dict }}
{{- $accounts := get $config "accounts" | default list }}
{{- if not $accounts }}
{{- fail "config.accounts: at least one account is required (see values.yaml)" }}
{{- end }}
{{- range $i, $a := $accounts }}
{{- $creds := $a.credentials | default dict }}
{{- range $key := list "access_key" "secret_key" "security_token" }}
{{- $v := get $creds $key | toString }}
{{- if and (get $creds $key) (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" $v)) }}
{{- fail (printf "config.accounts[%d].credentials.%s: a credential is never put in values; put it in the Secret credentials.existingSecret names and set %s_file" $i $key $key) }}
{{- end }}
{{- $file := get $creds (printf "%s_file" $key) | toString }}
{{- if and (get $creds (printf "%s_file" $key)) (hasPrefix (printf "%s/" (trimSuffix "/" $.Values.credentials.mountPath)) $file) (not $.Values.credentials.existingSecret) }}
{{- fail (printf "config.accounts[%d].credentials.%s_file is under %s, but credentials.existingSecret names no Secret to mount there" $i $key $.Values.credentials.mountPath) }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* The pod template, for the Deployment and the sharded StatefulSet. */}}
{{- define "migration-exporter.podTemplate" -}}
metadata:
  labels:
    {{- include "migration-exporter.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # The sha256 of the ConfigMap's migration_exporter.yml: a config change
    # changes the pod template, so the pods roll.
    checksum/config: {{ printf "%s\n" (include "migration-exporter.config" .) | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "migration-exporter.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
  {{- with .Values.image.pullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: migration-exporter
      image: {{ include "migration-exporter.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        - --config.file=/etc/migration_exporter/config/migration_exporter.yml
        - --web.listen-address=:{{ .Values.containerPort }}
        {{- if .Values.sharding.enabled }}
        - --probe.api-share=1
        {{- end }}
        {{- with .Values.extraArgs }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .Values.extraEnv }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
      {{- with .Values.livenessProbe }}
      livenessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.readinessProbe }}
      readinessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: config
          mountPath: /etc/migration_exporter/config
          readOnly: true
        {{- if .Values.credentials.existingSecret }}
        - name: credentials
          mountPath: {{ .Values.credentials.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "migration-exporter.fullname" . }}
    {{- with .Values.credentials.existingSecret }}
    - name: credentials
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
