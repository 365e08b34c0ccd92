"""Nothing here on purpose. Assessments are read and changed only through the service's pages,
where need-to-know, the workflow and the audit trail apply, never through the admin."""
