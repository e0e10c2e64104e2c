package io.vnet.dataplane.impl;

import io.vnet.dataplane.DataPlane;
import io.vnet.dataplane.DataPlaneConfig;
import io.vnet.dataplane.DataPlaneFactory;
import org.osgi.service.component.annotations.Component;

/** Registers the {@link DataPlaneFactory} service. */
@Component(service = DataPlaneFactory.class)
public final class DataPlaneComponent implements DataPlaneFactory {
    @Override
    public DataPlane create(DataPlaneConfig config) {
        return new DataPlaneImpl(config);
    }
}
