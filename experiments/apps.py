from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "experiments"
    verbose_name = "Experiments"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from experiments.resolution import flush_exposures

        # After the response has gone out: the page render never waits for the write.
        request_finished.connect(flush_exposures, dispatch_uid="experiments_flush_exposures")
